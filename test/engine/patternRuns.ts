/**
 * Shared by snippets.test.ts and demos.test.ts: the Pythons to test on, a traced run of a program
 * text through the real run engine, a plain run (also with its threads starting late), and lane
 * counting for the assertions.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePythonVersion } from '../../src/patterns/catalog';
import { runTraced } from '../../src/run/runTraced';
import type { RunResult } from '../../src/run/types';
import type { LaneKind, MarkerKind, TraceModel } from '../../src/shared/traceModel';

export const repoRoot = join(__dirname, '..', '..', '..');

export interface TestPython {
  version: string;
  path: string;
}

function pyenvRoot(): string {
  if (process.env.PYENV_ROOT) return process.env.PYENV_ROOT;
  try {
    return execFileSync('pyenv', ['root'], { encoding: 'utf8' }).trim();
  } catch {
    return join(homedir(), '.pyenv');
  }
}

/** Every Python 3.8+ under $(pyenv root)/versions, oldest first. Throws when there is none. */
export function findPythons(): TestPython[] {
  const dir = join(pyenvRoot(), 'versions');
  const found: TestPython[] = [];
  for (const version of existsSync(dir) ? readdirSync(dir) : []) {
    const v = parsePythonVersion(version);
    const path = join(dir, version, 'bin', 'python3');
    if (v && /^\d+\.\d+\.\d+$/.test(version) && (v[0] > 3 || (v[0] === 3 && v[1] >= 8)) && existsSync(path))
      found.push({ version, path });
  }
  if (found.length === 0) throw new Error(`No Python 3.8+ found under ${dir}: these tests need at least one.`);
  const key = (p: TestPython): number[] => p.version.split('.').map(Number);
  return found.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1] || key(a)[2] - key(b)[2]);
}

/** Minimum number of lanes of each kind that belong to the program (runtime-internal ones excluded). */
export type LaneExpectation = Partial<Record<LaneKind, number>>;

export function countOwnLanes(model: TraceModel): Record<LaneKind, number> {
  const counts: Record<LaneKind, number> = { process: 0, thread: 0, task: 0 };
  for (const lane of model.lanes) if (!lane.internal) counts[lane.kind] += 1;
  return counts;
}

/** Lanes the expectation asks for but the trace lacks, as readable text ("thread: 2 < 3"); empty when met. */
function missingLanes(model: TraceModel, expected: LaneExpectation): string[] {
  const counts = countOwnLanes(model);
  return (Object.keys(expected) as LaneKind[])
    .filter((kind) => counts[kind] < (expected[kind] ?? 0))
    .map((kind) => `${kind}: ${counts[kind]} < ${expected[kind]}`);
}

/** What a run must show: own lanes per kind, marker kinds, and lane names (as Python names them). */
export interface TraceExpectation {
  lanes: LaneExpectation;
  markers?: MarkerKind[];
  names?: string[];
}

/** Everything `expected` asks for that the trace lacks, as readable text; empty when all is there. */
export function unmetExpectations(model: TraceModel, expected: TraceExpectation): string[] {
  const kinds = new Set(model.markers.map((m) => m.kind));
  const names = new Set(model.lanes.map((l) => l.name));
  return [
    ...missingLanes(model, expected.lanes),
    ...(expected.markers ?? []).filter((k) => !kinds.has(k)).map((k) => `no ${k} marker`),
    ...(expected.names ?? []).filter((n) => !names.has(n)).map((n) => `no lane named "${n}"`),
  ];
}

/** A one-glance account of a run for assertion messages. */
export function describeRun(r: RunResult): string {
  const lanes = r.model.lanes
    .map((l) => `${'  '.repeat(l.depth)}${l.kind} ${l.name}${l.internal ? ' (internal)' : ''}`)
    .join('\n');
  return [
    `exit ${r.model.exitCode} signal ${r.model.signal} error ${JSON.stringify(r.model.error)}`,
    `lanes:\n${lanes}`,
    `stdout (tail):\n${r.stdout.slice(-800)}`,
    `stderr (tail):\n${r.stderr.slice(-1500)}`,
  ].join('\n');
}

/** Runs `text` as a file named `displayName` under the tracer, in a scratch working directory. */
export async function runTracedText(
  python: string,
  text: string,
  displayName: string,
  timeoutMs: number,
): Promise<RunResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'cl-patterns-'));
  try {
    return await runTraced({
      python,
      program: { text, startLine: 0, isSelection: false, displayName },
      cwd,
      tracerDir: join(repoRoot, 'src', 'tracer'),
      timeoutMs,
      eventCap: 200_000,
      callBudget: 2000,
      outputCapBytes: 10 * 1024 * 1024,
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * test/fixtures/programs/late_threads.py: `python late_threads.py DELAY PROGRAM` runs PROGRAM with each of its
 * threads starting DELAY s later than the one before (the first DELAY s late), as on a busy machine.
 */
export const lateThreads = join(repoRoot, 'test', 'fixtures', 'programs', 'late_threads.py');

/** Plain runs of a demo or snippet that teaches a failure, per Python: a newcomer runs it once, so every run must show it. */
export const PLAIN_RUNS = 5;
/**
 * How late each thread starts in the late-threads run: longer than any sleep a demo or snippet relied on
 * to give a thread time to start ("the other thread takes its first lock meanwhile": 0.1 s).
 */
export const LATE_START_S = 0.3;

/** The runs of `program` that must each show what it teaches: PLAIN_RUNS plain ones, then one with late threads. */
export function everyRun(program: string): { how: string; args: string[] }[] {
  return [
    ...Array.from({ length: PLAIN_RUNS }, (_, i) => ({ how: `plain run ${i + 1} of ${PLAIN_RUNS}`, args: [program] })),
    { how: `threads ${LATE_START_S} s late`, args: [lateThreads, String(LATE_START_S), program] },
  ];
}

export interface PlainRun {
  stdout: string;
  stderr: string;
  /** The exit code when the program ended by itself; null when this stopped it. */
  code: number | null;
  /** True when this stopped the program: `enough` held, or the time limit passed (`timedOut`). */
  stopped: boolean;
  timedOut: boolean;
}

/**
 * Runs `python args` untraced, in a scratch working directory. A program that never ends by itself (a
 * deadlock) is stopped as soon as `enough(stdout so far)` holds, or at `timeoutMs`.
 */
export function runPlain(
  python: string,
  args: string[],
  timeoutMs: number,
  enough: (stdout: string) => boolean = () => false,
): Promise<PlainRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'cl-plain-'));
  return new Promise<PlainRun>((resolve, reject) => {
    const child = spawn(python, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    let timedOut = false;
    const stop = (): void => {
      stopped = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stopped && enough(stdout)) stop();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ stdout, stderr, code: stopped ? null : code, stopped, timedOut });
    });
  });
}
