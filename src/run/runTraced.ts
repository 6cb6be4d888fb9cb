/**
 * The run engine: run the program under the tracer in its own process group with limits, follow
 * its events while it runs, and build the model when it ends. The checks before the program runs
 * (interpreter version, syntax, unguarded process creation) happen inside the traced Python itself
 * (preflight.py), which reports them in a file and does not run a program that fails them: one Python
 * starts per run. Program faults come back as `model.error`; only our own bugs throw. Nothing here
 * blocks the event loop: async fs, no sync spawn, output kept up to a cap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { RunProgress } from '../shared/protocol';
import type { RunError, TraceModel } from '../shared/traceModel';
import { buildModel } from '../trace/buildModel';
import { TRACER_ENV } from '../trace/schema';
import { EventTail } from './eventTail';
import { explainCheck, MIN_PYTHON, parseCheckOutput, type CheckResult } from './interpreterPolicy';
import { killTree, sweep, type KillPlan } from './killTree';
import { prepareProgram, type PreparedProgram } from './prepareProgram';
import { RUN_SETTINGS_PREFIX, startSupervisor, type SupervisorSpec } from './spareSupervisors';
import type { RunOptions, RunResult } from './types';

const POLL_MS = 200;
/** How much longer than the time limit a run may take to start (see the timer in run()). */
const STARTUP_ALLOWANCE_MS = 10_000;
const KILL_GRACE_MS = 1000;
/**
 * POSIX runs go through src/tracer/supervisor.py, the parent of the program: on Linux it adopts every
 * orphan of the run (a child subreaper) and ends them all when the program ends, is stopped, or we die;
 * elsewhere it ends the run's process group when we die. On 3.12+ it starts the program file itself rather
 * than launch.py, so the program's stack is its own (concurrency_lab_supervisor.program_args). Windows runs
 * launch.py directly.
 */
const SUPERVISED = process.platform !== 'win32';
/** Linux: the supervisor is a child subreaper, so when it exits by itself nothing of the run is left. */
const SUBREAPED = process.platform === 'linux';
/** How long to wait for the output pipes to drain once the program has exited. */
const DRAIN_MS = 2000;

type StopReason = 'timeout' | 'cancelled' | 'output-cap';

/**
 * The user's environment with the tracer's settings added (runSettings: the run's own). The tracer takes
 * them all out again before the program runs (processes.take_run_settings), so the program sees the environment an
 * untraced `python FILE` gets: no PYTHONUNBUFFERED or PYTHONUTF8 either (they change sys.flags and
 * buffering, which a program can see; the tracer records output as it is written, whatever the
 * buffering, so live lanes need neither).
 */
function childEnv(opts: Pick<RunOptions, 'tracerDir' | 'env'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  for (const k of Object.keys(env)) if (k.startsWith(RUN_SETTINGS_PREFIX)) delete env[k];
  const inject = join(opts.tracerDir, 'inject');
  env.PYTHONPATH = env.PYTHONPATH ? `${inject}${delimiter}${env.PYTHONPATH}` : inject;
  return env;
}

/**
 * What the run's supervisor is started with before the run is known: a spare started from the same
 * inputs (SpareSupervisors.warm) is one this run can take.
 */
export function supervisorSpec(
  opts: Pick<RunOptions, 'python' | 'cwd' | 'tracerDir' | 'env' | 'stdin'>,
): SupervisorSpec {
  return {
    python: opts.python,
    cwd: opts.cwd,
    tracerDir: opts.tracerDir,
    env: childEnv(opts),
    stdin: opts.stdin !== undefined,
  };
}

/** The run's own settings (CONCURRENCY_LAB_…): what a warm spare supervisor learns with its order. */
function runSettings(opts: RunOptions, prepared: PreparedProgram): Record<string, string> {
  return {
    [TRACER_ENV.outDir]: prepared.outDir,
    [TRACER_ENV.programFile]: prepared.file,
    [TRACER_ENV.callBudget]: String(Math.max(0, Math.floor(opts.callBudget))),
    [TRACER_ENV.eventCap]: String(Math.max(0, Math.floor(opts.eventCap))),
    [TRACER_ENV.checkFile]: prepared.checkFile,
    [TRACER_ENV.runToken]: prepared.runToken,
    [TRACER_ENV.minPython]: MIN_PYTHON.join('.'),
  };
}

class Run {
  private readonly started = Date.now();
  private tail: EventTail | undefined;
  private stopReason: StopReason | undefined;
  /** process.hrtime at the stop: the same monotonic clock as the tracer's perf_counter_ns. */
  private stoppedAt: number | undefined;
  private python = '';
  private checked: CheckResult | undefined;
  private prepared!: PreparedProgram;
  private stdout: Buffer[] = [];
  private stderr: Buffer[] = [];
  private outBytes = 0;

  constructor(private readonly opts: RunOptions) {}

  private progress(state: RunProgress['state'], message: string): void {
    if (!this.opts.onProgress) return;
    const tail = this.tail;
    try {
      this.opts.onProgress({ state, events: tail?.events ?? 0, elapsedMs: Date.now() - this.started, message }, () =>
        this.model(tail ? tail.merged() : [], null, null, null),
      );
    } catch {
      // a failing progress listener must not break the run
    }
  }

  private model(
    events: Parameters<typeof buildModel>[0],
    exitCode: number | null,
    signal: string | null,
    error: RunError | null,
  ): TraceModel {
    const p = this.prepared;
    const model = buildModel(events, {
      stoppedAt: this.stoppedAt,
      title: p.title,
      lineOffset: p.lineOffset,
      exitCode,
      signal,
      error,
      sourceLabel: (file) => (file === p.file ? p.label : (file.split(/[\\/]/).pop() ?? file)),
    });
    if (!model.python && this.python) model.python = this.python;
    if (p.movesLines) toDocumentLines(model, p);
    return model;
  }

  private result(model: TraceModel): RunResult {
    const fix = this.userPaths();
    for (const o of model.output) o.text = fix(o.text);
    const skipped = this.tail?.skippedLines ?? 0;
    if (skipped > 0) model.stats.unreadableLines = skipped;
    return {
      model,
      stdout: fix(Buffer.concat(this.stdout).toString('utf8')),
      stderr: fix(Buffer.concat(this.stderr).toString('utf8')),
      unreadableLines: this.tail?.unreadableLines ?? 0,
    };
  }

  /**
   * The program prints the user's path where the untraced run would (tracebacks, __file__), not the temp
   * copy's; a traceback's `File "…", line N` of a selection gets the editor's line too (toUser).
   */
  private userPaths(): (text: string) => string {
    const user = this.opts.program.userFile;
    const prepared = this.prepared;
    const temp = prepared.file;
    if (!user || !temp) return (t) => t;
    const frame = new RegExp(`File "${temp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", line (\\d+)`, 'g');
    return (t) =>
      t.includes(temp)
        ? t
            .replace(frame, (_, n: string) => `File "${user}", line ${prepared.toUser(Number(n)).line}`)
            .split(temp)
            .join(user)
        : t;
  }

  private get userFile(): string {
    return this.opts.program.userFile ?? this.opts.program.displayName;
  }

  async run(): Promise<RunResult> {
    try {
      this.prepared = await prepareProgram(this.opts.program);
    } catch (e) {
      const error: RunError = {
        code: 'spawn-failed',
        message: `Could not create a private temporary folder for the run: ${e instanceof Error ? e.message : String(e)}.`,
        hint: 'Check that the system temp folder (TMPDIR) exists and is writable.',
      };
      return { model: buildModel([], { title: this.opts.program.displayName, error }), stdout: '', stderr: '' };
    }
    try {
      if (this.opts.signal?.aborted)
        return this.result(
          this.model([], null, null, { code: 'cancelled', message: 'The run was cancelled before it started.' }),
        );
      if (!(await isDirectory(this.opts.cwd))) {
        // spawn would report a missing cwd as ENOENT, which reads like a missing interpreter
        return this.result(
          this.model([], null, null, {
            code: 'spawn-failed',
            message: `The working folder "${this.opts.cwd}" does not exist.`,
            hint: 'Open the folder again, or run a saved file from an existing folder.',
          }),
        );
      }
      this.progress('starting', `Starting ${this.opts.program.displayName}…`);
      return await this.execute();
    } finally {
      await this.prepared.cleanup().catch(() => undefined);
    }
  }

  /** The launcher's pre-run report (preflight.py), once it is written. */
  private async readCheck(): Promise<CheckResult | undefined> {
    if (this.checked) return this.checked;
    const text = await readFile(this.prepared.checkFile, 'utf8').catch(() => '');
    this.checked = parseCheckOutput(text);
    if (this.checked)
      this.python = this.checked.version ? this.checked.version.slice(0, 3).join('.') : this.checked.python;
    return this.checked;
  }

  /** What the pre-run report says stops the run (nothing ran then), or null. */
  private checkError(exitCode: number | null): RunError | null {
    const { opts, prepared } = this;
    // No report and a clean exit: what ran was not a Python (one that fails to start exits non-zero,
    // which runError explains from its stderr).
    if (!this.checked && exitCode !== 0) return null;
    return explainCheck(this.checked, {
      python: opts.python,
      file: this.userFile,
      toUser: (line, column) => prepared.toUser(line, column),
    });
  }

  private spawnError(e: NodeJS.ErrnoException): RunError {
    const python = this.opts.python;
    const missing = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOTDIR';
    return {
      code: missing ? 'python-missing' : 'spawn-failed',
      message: missing ? `Python was not found: tried "${python}".` : `Could not start "${python}": ${e.message}.`,
      hint: `Install Python ${MIN_PYTHON.join('.')} or newer, or choose an interpreter (Python: Select Interpreter, or the concurrencyLab.pythonPath setting).`,
    };
  }

  private keep(into: Buffer[], b: Buffer, child: ChildProcess, plan: KillPlan): void {
    const cap = this.opts.outputCapBytes;
    if (cap > 0 && this.outBytes + b.length > cap) {
      // Past the cap: keep what fits, drain the rest unread so the child never blocks before the kill.
      if (this.outBytes < cap) into.push(b.subarray(0, cap - this.outBytes));
      this.outBytes = cap;
      this.stop('output-cap', child, plan);
      return;
    }
    this.outBytes += b.length;
    into.push(b);
  }

  private stopping: Promise<void> | undefined;

  private stop(reason: StopReason, child: ChildProcess, plan: KillPlan): void {
    if (this.stopReason || child.exitCode !== null || child.signalCode !== null) return;
    this.stopReason = reason;
    this.stoppedAt = Number(process.hrtime.bigint());
    this.progress(
      'finishing',
      reason === 'timeout'
        ? 'Time limit reached: stopping the program…'
        : reason === 'cancelled'
          ? 'Stopping the program…'
          : 'Output limit reached: stopping the program…',
    );
    this.stopping = killTree(plan);
  }

  private async execute(): Promise<RunResult> {
    const { opts, prepared } = this;
    const tail = new EventTail(prepared.outDir, prepared.runToken);
    this.tail = tail;
    const launch = [join(opts.tracerDir, 'launch.py'), prepared.file];
    const spec = supervisorSpec(opts);
    let child: ChildProcess;
    try {
      await prepared.hide();
      child = SUPERVISED
        ? startSupervisor(spec, { dir: prepared.dir, argv: launch, env: runSettings(opts, prepared) }, opts.spares)
        : spawn(opts.python, launch, {
            cwd: opts.cwd,
            env: { ...spec.env, ...runSettings(opts, prepared) },
            windowsHide: true,
            stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
          });
    } catch (e) {
      return this.result(this.model([], null, null, this.spawnError(e as NodeJS.ErrnoException)));
    }
    const plan: KillPlan = {
      pgid: child.pid ?? -1,
      strays: () => tail.listPids(),
      marker: `${TRACER_ENV.outDir}=${prepared.outDir}`,
      graceMs: KILL_GRACE_MS,
    };
    const lifeline = child.stdio[3] as
      (NodeJS.ReadableStream & { destroy(): void; unref?: () => void }) | null | undefined;
    lifeline?.on('error', () => undefined);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>(
      (resolve) => {
        child.on('error', (error) => resolve({ code: null, signal: null, error }));
        child.on('exit', (code, signal) => resolve({ code, signal }));
      },
    );
    const drained = Promise.all(
      [child.stdout, child.stderr].map((s) => new Promise<void>((r) => (s ? s.on('close', () => r()) : r()))),
    );
    child.stdout?.on('data', (b: Buffer) => this.keep(this.stdout, b, child, plan));
    child.stderr?.on('data', (b: Buffer) => this.keep(this.stderr, b, child, plan));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the program may exit without reading its input
      child.stdin.end(opts.stdin ?? '');
    }
    // The time limit is the program's own: it counts from the tracer's first event (the program starting),
    // so a slow start-up (a cold interpreter, a loaded machine) does not eat into it. Until that event the
    // limit runs from the spawn with a start-up allowance, so a run whose tracer never reports still ends.
    const limitMs = Math.max(1, opts.timeoutMs);
    let timer = setTimeout(() => this.stop('timeout', child, plan), limitMs + STARTUP_ALLOWANCE_MS);
    let programStarted = false;
    let ended = false;
    const onAbort = (): void => this.stop('cancelled', child, plan);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const poller = setInterval(() => {
      void Promise.all([tail.poll(), this.readCheck()]).then(() => {
        // (a poll that ends after the exit must not start a timer nobody clears: it kept Node up for the limit)
        if (!programStarted && tail.events > 0 && !this.stopReason && !ended) {
          programStarted = true;
          clearTimeout(timer);
          timer = setTimeout(() => this.stop('timeout', child, plan), limitMs);
        }
        if (!this.stopReason)
          this.progress(
            'running',
            `Running ${opts.program.displayName}${this.python ? ` with Python ${this.python}` : ''}…`,
          );
      });
    }, POLL_MS);

    const exit = await exited;
    ended = true;
    // The next Run of the same inputs takes a supervisor that has already started (spareSupervisors.ts).
    if (SUPERVISED && !exit.error) opts.spares?.warm(spec);
    clearTimeout(timer);
    clearInterval(poller);
    opts.signal?.removeEventListener('abort', onAbort);
    if (this.stopping) await this.stopping;
    // Whatever the program left behind (daemon grandchildren, setsid children) goes with it. On Linux the
    // supervisor has already ended all of it when it exits by itself (it adopts every orphan); after a stop
    // our SIGKILL may have ended the supervisor first, so then we look too.
    if (!SUBREAPED || this.stopReason) await sweep(plan);
    lifeline?.destroy();
    await settledWithin(drained, DRAIN_MS);
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.progress('finishing', 'Reading the trace…');
    await tail.poll(true);
    await this.readCheck();
    const events = tail.merged();
    const error = this.runError(exit, tail, events.length);
    const model = this.model(events, exit.code, exit.signal, error);
    this.progress(
      this.stopReason === 'cancelled' ? 'stopped' : error && error.code !== 'uncaught-exception' ? 'failed' : 'done',
      error ? error.message : `Finished with exit code ${exit.code ?? '?'}.`,
    );
    return this.result(model);
  }

  private runError(
    exit: { code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException },
    tail: EventTail,
    eventCount: number,
  ): RunError | null {
    const secs = (this.opts.timeoutMs / 1000).toFixed(this.opts.timeoutMs % 1000 === 0 ? 0 : 1);
    switch (this.stopReason) {
      case 'cancelled':
        return { code: 'cancelled', message: 'The run was stopped; what was traced until then is shown.' };
      case 'timeout':
        return {
          code: 'timeout',
          message: `The program was still running after ${secs} s and was stopped.`,
          hint: 'Look for a deadlock or an endless loop in the lanes still running, or raise the time limit (concurrencyLab.timeoutSeconds).',
        };
      case 'output-cap':
        return {
          code: 'output-cap',
          message: `The program wrote more than ${Math.round(this.opts.outputCapBytes / 1024)} KiB of output and was stopped.`,
          hint: 'Print less, or raise the output limit.',
        };
      default:
        break;
    }
    if (exit.error) return this.spawnError(exit.error);
    const refused = this.checkError(exit.code);
    if (refused) return refused;
    const uncaught = this.firstUncaught(tail, (type, isUncaught) => isUncaught && type !== 'SystemExit');
    // An uncaught KeyboardInterrupt ends Python by re-raising SIGINT (we never send SIGINT): the
    // exception is the story, even when the tracer saw it only as raised.
    if (exit.signal === 'SIGINT') {
      return (
        uncaught ??
        this.firstUncaught(tail, (type) => type === 'KeyboardInterrupt', true) ?? {
          code: 'uncaught-exception',
          message: 'The program was interrupted (KeyboardInterrupt).',
        }
      );
    }
    if (exit.signal) {
      return {
        code: 'crashed',
        message: `The Python process was killed by ${exit.signal}${exit.signal === 'SIGSEGV' ? ' (a crash inside the interpreter or a C extension)' : ''}.`,
        hint: 'The trace shows what happened up to the crash.',
      };
    }
    if (eventCount === 0 && exit.code !== 0) {
      const last = Buffer.concat(this.stderr).toString('utf8').trim().split('\n').slice(-1)[0] ?? '';
      return {
        code: 'tracer-failed',
        message: `The tracer did not start (exit code ${exit.code ?? '?'})${last ? `: ${last.slice(0, 300)}` : ''}.`,
      };
    }
    if (uncaught) return uncaught;
    if (tail.eventCapHit()) {
      return {
        code: 'event-cap',
        message: `The event limit of ${this.opts.eventCap.toLocaleString('en-US')} events per process was reached; later events were counted but not recorded.`,
        hint: 'Trace a smaller part of the program, or raise the event limit.',
      };
    }
    return null;
  }

  /** The first (or last) exception event that `wanted` accepts, as an error located in the user's file. */
  private firstUncaught(
    tail: EventTail,
    wanted: (type: string, uncaught: boolean) => boolean,
    last = false,
  ): RunError | null {
    const events = tail.merged();
    if (last) events.reverse();
    for (const e of events) {
      if (e[5] !== 'exc') continue;
      const d = e[6] as Record<string, unknown> | null;
      if (typeof d !== 'object' || d === null) continue;
      const type = typeof d.type === 'string' ? d.type : 'Exception';
      if (!wanted(type, d.uncaught === true)) continue;
      const msg = typeof d.msg === 'string' ? d.msg : '';
      const where = typeof d.where === 'string' ? d.where : 'main';
      const inProgram = d.file === this.prepared.file && typeof d.line === 'number';
      const at = inProgram ? this.prepared.toUser(d.line as number) : undefined;
      return {
        code: 'uncaught-exception',
        message: `Uncaught ${type}${msg ? `: ${msg.slice(0, 300).replace(/\.$/, '')}` : ''}${where === 'thread' ? ' in a thread' : where === 'task' ? ' in an asyncio task' : where === 'process' ? ' in a child process' : ''}.`,
        file: at ? this.userFile : undefined,
        line: at?.line,
      };
    }
    return null;
  }
}

/** The model's lines in the program's file → its document's lines (definitions from below a selection ran first). */
function toDocumentLines(model: TraceModel, p: PreparedProgram): void {
  const source = model.sources.findIndex((s) => s.file === p.file);
  if (source < 0) return;
  for (const x of [...model.spans, ...model.markers, ...model.steps])
    if (x.source === source && x.line > 0) x.line = p.toUser(x.line).line;
}

/**
 * Waits for `p`, at most `ms`. The timer is cleared as soon as `p` settles: a pending timer keeps
 * Node's event loop alive, and the CLI then stayed up the whole DRAIN_MS after every run.
 */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function runTraced(opts: RunOptions): Promise<RunResult> {
  return new Run(opts).run();
}
