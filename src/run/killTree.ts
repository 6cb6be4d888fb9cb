/**
 * Ending a traced run leaves nothing behind: the child's process group gets SIGTERM, then SIGKILL,
 * and traced processes that left the group (setsid, start_new_session) are found by the pids in
 * their event file names and killed too — after checking, where /proc allows, that the pid still
 * belongs to this run and was not reused.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function signal(target: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  return process.platform !== 'win32' && signal(-pgid, 0);
}

/** True when the process is alive and (on Linux) its environment carries this run's marker. */
async function ownedByRun(pid: number, marker: string): Promise<boolean> {
  if (!signal(pid, 0)) return false;
  if (process.platform !== 'linux') return true;
  try {
    const env = await readFile(`/proc/${pid}/environ`);
    return env.includes(marker);
  } catch {
    return false;
  }
}

/** Windows has no process groups: taskkill /T walks the tree. */
function taskkillTree(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const p = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    p.on('error', () => resolve());
    p.on('close', () => resolve());
  });
}

export interface KillPlan {
  /** Process group id (= pid of the child spawned detached). */
  pgid: number;
  /** Other pids of the run (from events-<pid>.jsonl names). */
  strays: () => Promise<number[]>;
  /** "NAME=value" string present in the environment of every process of the run. */
  marker: string;
  graceMs: number;
}

async function signalStrays(plan: KillPlan, sig: NodeJS.Signals): Promise<number> {
  let n = 0;
  for (const pid of await plan.strays()) {
    if (pid === plan.pgid || !(await ownedByRun(pid, plan.marker))) continue;
    signal(pid, sig);
    // A setsid child leads its own group: take its children with it.
    signal(-pid, sig);
    n++;
  }
  return n;
}

/** SIGTERM everything, wait up to graceMs for it to go, then SIGKILL what is left. */
export async function killTree(plan: KillPlan): Promise<void> {
  if (process.platform === 'win32') {
    await taskkillTree(plan.pgid);
    return;
  }
  signal(-plan.pgid, 'SIGTERM');
  await signalStrays(plan, 'SIGTERM');
  const deadline = Date.now() + plan.graceMs;
  while (Date.now() < deadline && groupAlive(plan.pgid)) await sleep(50);
  await sweep(plan);
}

/** SIGKILL whatever of the run is still alive (used after a normal exit too: no orphans). */
export async function sweep(plan: KillPlan): Promise<void> {
  if (process.platform === 'win32') return;
  signal(-plan.pgid, 'SIGKILL');
  await signalStrays(plan, 'SIGKILL');
}
