/**
 * concurrency-lab explore FILE [--runs N] [--seed S] [--timeout S] [--python PATH] [--replay SEED]
 *                              [--summary] [--json OUT] [--keep-going] [--trace OUT]
 *
 * Exit code: 1 when a schedule failed (exception, deadlock, timeout) or a race was found, 0 when not,
 * 2 when the explorer could not run.
 */
import { argReader } from './argReader';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { foundBug } from './explore/outcomes';
import { runExplore } from './explore/exploreRun';
import { replayTraced } from './explore/replayTraced';
import { exportChromeTrace } from './trace/chromeTrace';
import type { ExploreSummary } from './explore/types';

export const EXPLORE_USAGE = `usage: concurrency-lab explore FILE [options]

Runs FILE under a controlled scheduler, schedule after schedule, and reports what it can do: its
distinct outcomes (stdout, exit code, failure) with a seed for each, its data races and deadlocks.

options:
  --runs N           schedules to try (default 500); stops at the first failure unless --keep-going,
                     and when the systematic search (up to half the runs) has covered every schedule
  --seed S           first seed of PCT and random walks (default 0); systematic schedule k has seed 1000000000+k
  --timeout S        seconds one schedule may run before it counts as a timeout (default 10)
  --python PATH      interpreter to use (default: python3, then python on PATH)
  --replay SEED      run just the schedule of SEED (the same schedule and outcome every time)
  --trace OUT        with --replay: record that schedule as the Timeline shows it and write it to OUT
                     as Chrome Trace JSON (Perfetto opens it; so does Concurrency Lab: Open Trace…)
  --summary          print one JSON object as the last line: runs, outcomes, races, deadlocks, complete
  --json OUT         write the summary and every schedule's record as JSON to OUT
  --keep-going       run all N schedules even after a failure
  --tracer-dir DIR   folder holding the tracer's .py files (default: next to this script)
  -h, --help         show this help

exit code: 1 when a failure or race was found, 0 when none, 2 when it could not run.`;

export interface ExploreArgs {
  file: string;
  runs: number;
  seed: number;
  timeoutS: number;
  python?: string;
  replay?: number;
  summary: boolean;
  json?: string;
  keepGoing: boolean;
  tracerDir?: string;
  trace?: string;
}

/** argv after the word "explore". */
export function parseExploreArgs(argv: readonly string[]): ExploreArgs | { error: string } | { help: true } {
  if (argv.includes('-h') || argv.includes('--help')) return { help: true };
  const out: ExploreArgs = { file: '', runs: 500, seed: 0, timeoutS: 10, summary: false, keepGoing: false };
  const { valueOf, count } = argReader(argv);
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      switch (a) {
        case '--runs':
          out.runs = count(valueOf(i++, a), a);
          break;
        case '--seed':
          out.seed = count(valueOf(i++, a), a);
          break;
        case '--timeout':
          out.timeoutS = count(valueOf(i++, a), a, true);
          break;
        case '--python':
          out.python = valueOf(i++, a);
          break;
        case '--replay':
          out.replay = count(valueOf(i++, a), a);
          break;
        case '--summary':
          out.summary = true;
          break;
        case '--json':
          out.json = valueOf(i++, a);
          break;
        case '--keep-going':
          out.keepGoing = true;
          break;
        case '--tracer-dir':
          out.tracerDir = valueOf(i++, a);
          break;
        case '--trace':
          out.trace = valueOf(i++, a);
          break;
        default:
          if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}`);
          if (out.file) throw new Error(`only one FILE can be explored (got "${out.file}" and "${a}")`);
          out.file = a;
      }
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (!out.file) return { error: 'missing FILE' };
  if (out.timeoutS === 0) return { error: '--timeout must be more than 0' };
  if (out.runs === 0) return { error: '--runs must be at least 1' };
  if (out.trace !== undefined && out.replay === undefined)
    return { error: '--trace records one schedule: give it with --replay SEED' };
  return out;
}

/** A few readable lines per outcome, race and deadlock. */
export function describeSummary(s: ExploreSummary): string {
  const lines = [
    `${s.runs} schedule${s.runs === 1 ? '' : 's'}${s.complete ? ' (every schedule: the search is complete)' : ''}, ${s.outcomes.length} distinct outcome${s.outcomes.length === 1 ? '' : 's'}:`,
  ];
  for (const o of s.outcomes) {
    const out = o.stdout.length > 200 ? `${o.stdout.slice(0, 200)}…` : o.stdout;
    lines.push(
      `  ${o.count}× exit ${o.exitCode ?? '-'}${o.failure ? `, ${o.failure.kind}: ${o.failure.message}` : ''} (seed ${o.seed})`,
    );
    if (out)
      lines.push(
        ...out
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `      | ${l}`),
      );
  }
  for (const r of s.races) {
    lines.push(
      `race on ${r.target}: ${r.accesses.map((a) => `${a.kind} by ${a.lane} at line ${a.line}`).join(' vs ')}`,
    );
  }
  for (const d of s.deadlocks) {
    lines.push(
      `deadlock (seed ${d.seed}): ${d.cycle.map((e) => `${e.lane} holds ${e.holds.join(', ') || 'nothing'}, waits for ${e.waitsFor}`).join('; ')}`,
    );
  }
  return lines.join('\n');
}

export async function exploreMain(
  argv: readonly string[],
  defaults: { python: () => Promise<string>; tracerDir: () => Promise<string> },
): Promise<number> {
  const args = parseExploreArgs(argv);
  if ('help' in args) {
    console.log(EXPLORE_USAGE);
    return 0;
  }
  if ('error' in args) {
    console.error(`concurrency-lab explore: ${args.error}\n\n${EXPLORE_USAGE}`);
    return 2;
  }
  const file = resolve(args.file);
  try {
    await readFile(file);
  } catch (e) {
    console.error(`concurrency-lab explore: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  if (args.trace !== undefined && args.replay !== undefined) {
    return replayToTrace(file, args.replay, args.trace, args, defaults);
  }
  const result = await untilInterrupted(async (signal) =>
    runExplore({
      python: args.python ?? (await defaults.python()),
      file,
      cwd: dirname(file),
      tracerDir: args.tracerDir ?? (await defaults.tracerDir()),
      runs: args.runs,
      seed: args.seed,
      timeoutS: args.timeoutS,
      replay: args.replay,
      keepGoing: args.keepGoing,
      signal,
    }),
  );
  if (result.error) {
    console.error(`concurrency-lab explore: ${result.error}`);
    return 2;
  }
  if (args.json && !(await writeOrSay(args.json, JSON.stringify({ ...result.summary, schedules: result.records }))))
    return 2;
  if (args.replay !== undefined && result.records[0]) echoProgramOutput(result.records[0]);
  if (args.summary) console.log(JSON.stringify(result.summary));
  else console.error(describeSummary(result.summary));
  if (result.cancelled) return 2;
  return foundBug(result.summary) ? 1 : 0;
}

/** explore FILE --replay SEED --trace OUT: the schedule, traced, as a Chrome trace with our model embedded. */
async function replayToTrace(
  file: string,
  seed: number,
  out: string,
  args: ExploreArgs,
  defaults: { python: () => Promise<string>; tracerDir: () => Promise<string> },
): Promise<number> {
  const result = await untilInterrupted(async (signal) =>
    replayTraced({
      python: args.python ?? (await defaults.python()),
      file,
      cwd: dirname(file),
      tracerDir: args.tracerDir ?? (await defaults.tracerDir()),
      seed,
      timeoutS: args.timeoutS,
      signal,
    }),
  );
  if (result.cancelled) return 2;
  if (result.error || !result.model || !result.record) {
    console.error(`concurrency-lab explore: ${result.error ?? 'the replay recorded nothing'}`);
    return 2;
  }
  if (!(await writeOrSay(out, exportChromeTrace(result.model)))) return 2;
  echoProgramOutput(result.record);
  const f = result.record.failure;
  const races = result.model.races?.length ?? 0;
  console.error(
    `seed ${seed} replayed and traced: ${result.model.stats.events} events written to ${out}${f ? ` (${f.kind}: ${f.message})` : ''}` +
      (races > 0 ? `; ${races} data race${races === 1 ? '' : 's'} marked on the Timeline` : ''),
  );
  return f ? 1 : 0;
}

/** Runs `work` with a signal that Ctrl+C (or a SIGTERM) aborts, so the explorer ends its process group. */
async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes `text` to `path`; on failure says why on stderr and answers false. */
async function writeOrSay(path: string, text: string): Promise<boolean> {
  try {
    await writeFile(path, text);
    return true;
  } catch (e) {
    console.error(`concurrency-lab explore: cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/** A replayed schedule's program output, passed through as the program wrote it. */
function echoProgramOutput(record: { stdout: string; stderr: string }): void {
  process.stdout.write(record.stdout);
  process.stderr.write(record.stderr);
}
