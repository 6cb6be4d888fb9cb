import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The harness's own scripts are ES modules; this test tier compiles to CommonJS (whose import() is require).
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a real import(): tsc would turn import() into require() here
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
const ROOT = join(__dirname, '..', '..', '..');

interface Processes {
  killGroup(pid: number, leaderExited?: Promise<unknown>, graceMs?: number): Promise<void>;
  descendants(pid: number | number[]): number[];
  processesMatching(markers: string[]): { pid: number; cmdline: string }[];
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test(
  'killGroup ends descendants that left the group: setsid, and an interactive shell (code-server resolves its environment with bash -i -l)',
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async () => {
    const m = (await importModule(pathToFileURL(join(ROOT, 'scripts', 'vscode', 'processes.mjs')).href)) as Processes;
    const leader = spawn('bash', ['-c', 'setsid sleep 300 & bash -i -c "sleep 301" & sleep 302'], {
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((r) => leader.on('exit', r));
    let tree: number[] = [];
    for (let i = 0; i < 50 && tree.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      tree = m.descendants(leader.pid ?? -1);
    }
    assert.ok(tree.length >= 4, `the three sleeps and the interactive bash are descendants: ${tree.length}`);
    await m.killGroup(leader.pid ?? -1, exited, 1000);
    await new Promise((r) => setTimeout(r, 300));
    const left = tree.filter(alive);
    for (const p of left) process.kill(p, 'SIGKILL');
    assert.deepEqual(left, [], 'descendants left running');
  },
);

test(
  'killGroup ends a process the group starts while it is being stopped (a login script running as the shell gets SIGTERM)',
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async () => {
    const m = (await importModule(pathToFileURL(join(ROOT, 'scripts', 'vscode', 'processes.mjs')).href)) as Processes;
    const marker = `clab-killgroup-late-${process.pid}-${Date.now()}`;
    // The leader answers SIGTERM by starting a process in a session of its own (outside the group, and
    // after any snapshot taken before the signal), then keeps running until it is killed.
    const leader = spawn('bash', ['-c', 'trap "setsid sleep 300 &" TERM; while :; do sleep 0.1; done'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, CLAB_TEST_MARKER: marker },
    });
    const exited = new Promise((r) => leader.on('exit', r));
    for (let i = 0; i < 50 && m.descendants(leader.pid ?? -1).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    await m.killGroup(leader.pid ?? -1, exited, 2000);
    await new Promise((r) => setTimeout(r, 300));
    const left = m.processesMatching([marker]);
    for (const p of left) process.kill(p.pid, 'SIGKILL');
    assert.deepEqual(
      left.map((p) => p.cmdline),
      [],
      'processes started during the stop were left running',
    );
  },
);

test(
  "descendants of several processes in one read of /proc (killGroup's tree, re-read every 100 ms while it stops)",
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async () => {
    const m = (await importModule(pathToFileURL(join(ROOT, 'scripts', 'vscode', 'processes.mjs')).href)) as Processes;
    const leaders = [0, 1].map(() =>
      spawn('bash', ['-c', 'sleep 300 & sleep 301 & wait'], { detached: true, stdio: 'ignore' }),
    );
    try {
      const [a, b] = leaders.map((l) => l.pid ?? -1);
      for (let i = 0; i < 50 && (m.descendants(a).length < 2 || m.descendants(b).length < 2); i++)
        await new Promise((r) => setTimeout(r, 100));
      const each = [...m.descendants(a), ...m.descendants(b)].sort();
      assert.equal(each.length, 4);
      assert.deepEqual([...m.descendants([a, b])].sort(), each);
      // a root under another root: its descendants once, itself not among them
      const child = m.descendants(a)[0];
      assert.deepEqual([...m.descendants([a, child])].sort(), [...m.descendants(a)].filter((p) => p !== child).sort());
    } finally {
      for (const l of leaders) if (l.pid) process.kill(-l.pid, 'SIGKILL');
    }
  },
);
