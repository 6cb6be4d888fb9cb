/**
 * concurrency-lab trace FILE [--timeout S] [--python PATH] [--json OUT] [--chrome OUT] [--summary]
 *                            [--stdin TEXT] [--event-cap N] [--call-budget N] [--output-cap MB]
 *
 * Exit code: the program's exit code, or 2 when the engine could not run it (or was stopped).
 */
import { argReader } from './argReader';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { CHECK_USAGE } from './cliCheck';
import { defaultPython, defaultTracerDir } from './cliDefaults';
import { type TraceModel, unreadableNote } from './shared/traceModel';
import { exportChromeTrace } from './trace/chromeTrace';
import { runFindings } from './trace/findings';
import { RUN_LIMITS } from './run/limits';
import { runTraced } from './run/runTraced';
import type { RunResult } from './run/types';

export const USAGE = `usage: concurrency-lab trace FILE [options]
       concurrency-lab render INPUT --png OUT.png [options]   (render --help for its options)

Runs FILE under the Concurrency Lab tracer and reports what its processes, threads and asyncio tasks did.

options:
  --timeout S        stop the program after S seconds (default ${RUN_LIMITS.timeoutSeconds.default})
  --python PATH      interpreter to use (default: python3, then python on PATH)
  --json OUT         write the trace model as JSON to OUT
  --chrome OUT       write a Chrome Trace Event file (Perfetto, chrome://tracing) to OUT
  --summary          print one JSON object: exit code, lane counts, events by kind, stdout, error, and the
                     findings the run proves (a blocked event loop, GIL contention, …)
  --stdin TEXT       give TEXT to the program's standard input (default: closed)
  --event-cap N      events recorded per process (default ${RUN_LIMITS.eventCap.default}, 0 = unlimited)
  --call-budget N    calls recorded per function (default ${RUN_LIMITS.callBudget.default}, 0 = unlimited)
  --output-cap MB    stop the program once its stdout and stderr exceed MB megabytes (default ${RUN_LIMITS.outputCapMB.default})
  --tracer-dir DIR   folder holding the tracer's .py files (default: next to this script)
  -h, --help         show this help

exit code: the program's exit code, or 2 when it could not be run or was stopped.

${CHECK_USAGE}`;

export interface CliArgs {
  file: string;
  timeoutS: number;
  python?: string;
  json?: string;
  chrome?: string;
  summary: boolean;
  stdin?: string;
  eventCap: number;
  callBudget: number;
  outputCapMB: number;
  tracerDir?: string;
}

export function parseArgs(argv: readonly string[]): CliArgs | { error: string } | { help: true } {
  if (argv.includes('-h') || argv.includes('--help')) return { help: true };
  if (argv[0] !== 'trace') return { error: argv.length === 0 ? 'missing command' : `unknown command "${argv[0]}"` };
  const out: CliArgs = {
    file: '',
    timeoutS: RUN_LIMITS.timeoutSeconds.default,
    summary: false,
    eventCap: RUN_LIMITS.eventCap.default,
    callBudget: RUN_LIMITS.callBudget.default,
    outputCapMB: RUN_LIMITS.outputCapMB.default,
  };
  const { valueOf, count } = argReader(argv);
  try {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      switch (a) {
        case '--timeout':
          out.timeoutS = count(valueOf(i++, a), a, true);
          break;
        case '--python':
          out.python = valueOf(i++, a);
          break;
        case '--json':
          out.json = valueOf(i++, a);
          break;
        case '--chrome':
          out.chrome = valueOf(i++, a);
          break;
        case '--summary':
          out.summary = true;
          break;
        case '--stdin':
          out.stdin = valueOf(i++, a);
          break;
        case '--event-cap':
          out.eventCap = count(valueOf(i++, a), a);
          break;
        case '--call-budget':
          out.callBudget = count(valueOf(i++, a), a);
          break;
        case '--output-cap':
          out.outputCapMB = count(valueOf(i++, a), a, true);
          break;
        case '--tracer-dir':
          out.tracerDir = valueOf(i++, a);
          break;
        default:
          if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}`);
          if (out.file) throw new Error(`only one FILE can be traced (got "${out.file}" and "${a}")`);
          out.file = a;
      }
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (!out.file) return { error: 'missing FILE' };
  if (out.timeoutS === 0) return { error: '--timeout must be more than 0' };
  if (out.outputCapMB === 0) return { error: '--output-cap must be more than 0' };
  return out;
}

/** The --summary object. */
export function summarize(model: TraceModel, result: Pick<RunResult, 'stdout' | 'stderr'>): Record<string, unknown> {
  return {
    exitCode: model.exitCode,
    signal: model.signal,
    python: model.python,
    processes: model.stats.processes,
    threads: model.stats.threads,
    tasks: model.stats.tasks,
    events: model.stats.events,
    eventsByKind: model.stats.eventsByKind,
    suppressedCalls: model.stats.suppressedCalls,
    droppedEvents: model.stats.droppedEvents,
    unreadableLines: model.stats.unreadableLines ?? 0,
    stdout: result.stdout,
    stderr: result.stderr,
    error: model.error,
    findings: runFindings(model).map((f) => ({
      kind: f.kind,
      severity: f.severity,
      file: model.sources[f.source]?.file,
      line: f.line + model.lineOffset,
      message: f.message,
    })),
  };
}

/** Runs FILE under the tracer with the command line's options. */
export async function traceFile(args: CliArgs): Promise<{ result: RunResult } | { error: string }> {
  const file = resolve(args.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { error: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let result: RunResult;
  try {
    result = await runTraced({
      python: args.python ?? (await defaultPython()),
      program: { text, userFile: file, onDisk: true, startLine: 0, isSelection: false, displayName: basename(file) },
      cwd: dirname(file),
      tracerDir: args.tracerDir ?? (await defaultTracerDir()),
      timeoutMs: Math.round(args.timeoutS * 1000),
      eventCap: args.eventCap,
      callBudget: args.callBudget,
      outputCapBytes: Math.round(args.outputCapMB * 1024 * 1024),
      stdin: args.stdin,
      signal: abort.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  return { result };
}

/** `concurrency-lab trace FILE [options]` (and the top-level --help). */
export async function traceMain(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in args) {
    console.error(`concurrency-lab: ${args.error}\n\n${USAGE}`);
    return 2;
  }
  const run = await traceFile(args);
  if ('error' in run) {
    console.error(`concurrency-lab: ${run.error}`);
    return 2;
  }
  const result = run.result;
  const { model } = result;
  try {
    if (args.json) await writeFile(args.json, JSON.stringify(model));
    if (args.chrome) await writeFile(args.chrome, exportChromeTrace(model));
  } catch (e) {
    console.error(`concurrency-lab: cannot write the trace: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  if (args.summary) {
    console.log(JSON.stringify(summarize(model, result)));
  } else {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    const s = model.stats;
    console.error(
      `concurrency-lab: ${model.title}: exit code ${model.exitCode ?? model.signal ?? '?'}; ${s.processes.own + s.processes.internal} processes, ${s.threads.own + s.threads.internal} threads, ${s.tasks.own + s.tasks.internal} tasks, ${s.events} events`,
    );
    if (s.unreadableLines) console.error(`concurrency-lab: ${unreadableNote(s.unreadableLines)}`);
  }
  if (model.error && model.error.code !== 'uncaught-exception') {
    if (!args.summary)
      console.error(
        `concurrency-lab: ${model.error.message}${model.error.line ? ` (line ${model.error.line})` : ''}${model.error.hint ? `\n  ${model.error.hint}` : ''}${model.error.stillRunning?.length ? `\n  still running: ${model.error.stillRunning.join(', ')}` : ''}`,
      );
    return 2;
  }
  return model.exitCode ?? 2;
}
