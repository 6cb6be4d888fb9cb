/**
 * Starting a run's supervisor (src/tracer/supervisor.py, POSIX), and spares of it kept warm so that a
 * Run does not wait for an interpreter to start: through a pyenv shim that alone is ~0.4 s, more than
 * the whole traced program. A spare is a supervisor started ahead with everything a run decides before
 * it starts (interpreter command, working folder, environment, whether stdin is a pipe); it waits for
 * its order (the run's folder, launch arguments and CONCURRENCY_LAB_ settings) on fd 3, then runs
 * exactly as a freshly started one. Only a spare started for the same inputs is used: a pyenv shim picks
 * its interpreter from the folder and the environment, so another folder may mean another Python.
 *
 * The program cannot tell: the supervisor forks and execs it only when the order arrives, so its start
 * time, environment, working folder and descriptors are those of a fresh start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** Neither our PYTHONPATH nor site for the supervisor: it is not traced and needs only the stdlib. */
const SUPERVISOR_FLAGS = ['-E', '-s', '-S'];
/** The supervisor SIGKILLs what SIGTERM did not end before our own SIGKILL of the group ends it too. */
export const SUPERVISOR_GRACE_MS = 700;
/** The run's own settings: they travel in the order, so one spare serves any run of its inputs. */
export const RUN_SETTINGS_PREFIX = 'CONCURRENCY_LAB_';
/** How long after a run its spare is started: not while the finished run is being drawn. */
const WARM_DELAY_MS = 300;
/** A spare nobody took by then ends (a pyenv shim's choice may have changed meanwhile). */
const SPARE_IDLE_MS = 5 * 60_000;
/** Spares kept at most (one per inputs: a file and a demo folder, say). */
const MAX_SPARES = 3;

/** What a supervisor is started with, before the run it serves is known. */
export interface SupervisorSpec {
  python: string;
  cwd: string;
  /** The folder holding supervisor.py. */
  tracerDir: string;
  /** The run's environment without its own CONCURRENCY_LAB_ settings (those go in the order). */
  env: NodeJS.ProcessEnv;
  /** True when the program's stdin is a pipe we write (else /dev/null). */
  stdin: boolean;
}

/** What a supervisor runs: the run's folder, launch arguments (after the interpreter) and settings. */
export interface SupervisorOrder {
  dir: string;
  argv: string[];
  env: Record<string, string>;
}

/**
 * The run's supervisor, a warm spare when `spares` holds one for `spec`, else started now. fd 3 of the
 * child is the pipe whose end-of-file tells the supervisor that we are gone.
 */
export function startSupervisor(spec: SupervisorSpec, order: SupervisorOrder, spares?: SpareSupervisors): ChildProcess {
  const spare = spares?.take(spec);
  if (spare) {
    (spare.stdio[3] as NodeJS.WritableStream).write(`${JSON.stringify(order)}\n`);
    return spare;
  }
  const script = join(spec.tracerDir, 'supervisor.py');
  return spawnSupervisor(spec, [script, order.dir, String(SUPERVISOR_GRACE_MS), '--', ...order.argv], {
    ...spec.env,
    ...order.env,
  });
}

function spawnSupervisor(spec: SupervisorSpec, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(spec.python, [...SUPERVISOR_FLAGS, ...args], {
    cwd: spec.cwd,
    env,
    detached: true, // its own process group, which a stop ends
    stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
  });
}

function keyOf(spec: SupervisorSpec): string {
  const env = Object.entries(spec.env)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([spec.python, spec.cwd, spec.tracerDir, spec.stdin, env]);
}

interface Spare {
  child: ChildProcess;
  expiry: NodeJS.Timeout;
}

/** Warm spare supervisors, one per inputs (see the module comment); none is left behind by dispose. */
export class SpareSupervisors {
  private readonly spares = new Map<string, Spare>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private disposed = false;

  /** Starts a spare for `spec` shortly (after WARM_DELAY_MS), unless one is there. */
  warm(spec: SupervisorSpec, delayMs = WARM_DELAY_MS): void {
    if (this.disposed || process.platform === 'win32') return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.start(spec);
    }, delayMs);
    timer.unref();
    this.pending.add(timer);
  }

  /** The spare for `spec`, taken out of the pool, if one is alive. */
  take(spec: SupervisorSpec): ChildProcess | undefined {
    const key = keyOf(spec);
    const spare = this.spares.get(key);
    if (!spare) return undefined;
    this.spares.delete(key);
    clearTimeout(spare.expiry);
    const { child } = spare;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return undefined;
    child.ref();
    for (const s of child.stdio) (s as { ref?: () => void } | null)?.ref?.();
    return child;
  }

  /** Pids of the spares (tests). */
  get pids(): number[] {
    return [...this.spares.values()].map((s) => s.child.pid ?? -1);
  }

  /** Ends every spare (the interpreter or its settings changed). */
  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const key of [...this.spares.keys()]) this.end(key);
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private start(spec: SupervisorSpec): void {
    const key = keyOf(spec);
    if (this.disposed || this.spares.has(key)) return;
    let child: ChildProcess;
    try {
      child = spawnSupervisor(spec, [join(spec.tracerDir, 'supervisor.py'), '--spare', String(SUPERVISOR_GRACE_MS)], {
        ...spec.env,
      });
    } catch {
      return; // a run will start its own and say why that fails
    }
    child.on('error', () => this.forget(key, child));
    child.on('exit', () => this.forget(key, child));
    for (const s of child.stdio) s?.on('error', () => undefined);
    // An idle spare keeps neither the extension host nor a CLI process alive.
    child.unref();
    for (const s of child.stdio) (s as { unref?: () => void } | null)?.unref?.();
    const expiry = setTimeout(() => this.end(key), SPARE_IDLE_MS);
    expiry.unref();
    this.spares.set(key, { child, expiry });
    while (this.spares.size > MAX_SPARES) this.end(this.spares.keys().next().value as string);
  }

  private forget(key: string, child: ChildProcess): void {
    const spare = this.spares.get(key);
    if (spare?.child !== child) return;
    clearTimeout(spare.expiry);
    this.spares.delete(key);
  }

  private end(key: string): void {
    const spare = this.spares.get(key);
    if (!spare) return;
    this.spares.delete(key);
    clearTimeout(spare.expiry);
    // It has no child yet: closing its fd 3 ends it, and the kill makes sure.
    (spare.child.stdio[3] as { destroy?: () => void } | null)?.destroy?.();
    spare.child.kill('SIGKILL');
  }
}
