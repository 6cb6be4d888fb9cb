/**
 * Every demo runs traced through the real run engine on every Python 3.8+ found: it exits 0 (the
 * deadlock demo: stopped by the timeout, with both threads reported as still running), shows the
 * lanes it is about, and prints what it promises. The demos that teach a failure (the race, the
 * deadlock) also run plainly, several times on each Python and once with their threads starting late
 * (as on a busy machine): they must show it on every run, not on most.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMOS } from '../../src/patterns/demos';
import {
  describeRun,
  findPythons,
  everyRun,
  PLAIN_RUNS,
  repoRoot,
  runPlain,
  runTracedText,
  unmetExpectations,
  type TraceExpectation,
} from './patternRuns';

interface DemoExpectation extends TraceExpectation {
  /** Lines (or parts of lines) the demo's output must contain. */
  stdout: (string | RegExp)[];
  /** What the demo claims about its own measurements, checked against the numbers it printed: problems found. */
  claims?: (stdout: string) => string[];
}

/** The numbers of the GIL demo's measurement lines ("2 threads    0.53 s, 0.10 s of CPU: 0.2 cores busy"). */
function gilMeasurements(stdout: string, title: string): { wall: number; cores: number } | undefined {
  const m = new RegExp(`^${title} +([\\d.]+) s, [\\d.]+ s of CPU: ([\\d.]+) cores busy$`, 'm').exec(stdout);
  return m ? { wall: Number(m[1]), cores: Number(m[2]) } : undefined;
}

/**
 * The GIL demo's claims hold on any machine, loaded or not: threads never keep more than one core busy;
 * processes are said to run in parallel only when they kept 1.5+ cores busy and beat the sequential
 * time, and otherwise the demo says why they could not.
 */
function gilClaims(stdout: string): string[] {
  const sequential = gilMeasurements(stdout, 'sequential');
  const threads = gilMeasurements(stdout, '2 threads');
  const processes = gilMeasurements(stdout, '2 processes');
  if (!sequential || !threads || !processes) return ['the three measurement lines are missing'];
  const problems: string[] = [];
  // 0.2 of slack: the tracer's own writes (kernel time that overlaps the GIL holder) and rounding.
  if (threads.cores > 1.2) problems.push(`threads kept ${threads.cores} cores busy: more than one under the GIL?`);
  if (!/^2 threads: [\d.]+x the sequential time, [\d.]+ cores busy: they take turns on the GIL$/m.test(stdout))
    problems.push('no threads verdict');
  const parallel = /^2 processes: .* so they ran in parallel$/m.test(stdout);
  const couldNot = /^2 processes: .*only [\d.]+ cores busy: .*, so they could not run in parallel/m.test(stdout);
  if (parallel === couldNot)
    problems.push('the processes verdict must be exactly one of "ran in parallel" / "could not run in parallel"');
  if (parallel && !(processes.cores >= 1.5 && processes.wall < sequential.wall))
    problems.push(
      `"ran in parallel" with ${processes.cores} cores busy in ${processes.wall} s vs ${sequential.wall} s sequential`,
    );
  if (couldNot && processes.cores >= 1.5)
    problems.push(`"could not run in parallel" with ${processes.cores} cores busy`);
  return problems;
}

/** The I/O demo: threads and asyncio beat "one after another"; processes may not (their start-up costs more). */
function ioClaims(stdout: string): string[] {
  const serial = /^one after another this would take ([\d.]+) s$/m.exec(stdout);
  if (!serial) return ['no "one after another" line'];
  return ['threads', 'asyncio'].flatMap((way) => {
    const m = new RegExp(`^${way} +6 requests in ([\\d.]+) s$`, 'm').exec(stdout);
    return m && Number(m[1]) < Number(serial[1]) ? [] : [`${way} did not beat ${serial[1]} s: ${m?.[0] ?? 'no line'}`];
  });
}

/** The blocking demo: the starved heartbeat misses a beat by the whole 200 ms block; the steady one does not. */
function blockingClaims(stdout: string): string[] {
  const ticks = (label: string): number[] =>
    [...stdout.matchAll(new RegExp(`^${label}: tick after (\\d+) ms$`, 'gm'))].map((m) => Number(m[1]));
  const starved = Math.max(...ticks('starved'));
  const steady = Math.max(...ticks('steady'));
  const problems: string[] = [];
  if (!(starved >= 195)) problems.push(`the starved heartbeat's longest gap is ${starved} ms, not the 200 ms block`);
  if (!(steady < starved))
    problems.push(
      `the steady heartbeat's longest gap (${steady} ms) is not shorter than the starved one's (${starved} ms)`,
    );
  return problems;
}

/** The race demo's counts of lost updates, from its "unsafe: ..." and "locked: ..." lines (absent: no such line). */
function lostUpdates(stdout: string): { unsafe?: number; locked?: number } {
  const count = (label: string): number | undefined => {
    const m = new RegExp(`^${label}: expected 200, got \\d+ \\((-?\\d+) updates lost\\)$`, 'm').exec(stdout);
    return m ? Number(m[1]) : undefined;
  };
  return { unsafe: count('unsafe'), locked: count('locked') };
}

/** The race demo shows its race on every run: the unsafe half lost updates, the locked half none, and it says so. */
function raceClaims(stdout: string): string[] {
  const { unsafe, locked } = lostUpdates(stdout);
  const problems: string[] = [];
  if (unsafe === undefined || !(unsafe > 0)) problems.push(`the unsafe half lost ${unsafe ?? 'no line of'} updates`);
  if (locked !== 0) problems.push(`the locked half lost ${locked ?? 'no line of'} updates`);
  for (const verdict of ['race condition observed', 'lock fixed it'])
    if (!stdout.split('\n').includes(verdict)) problems.push(`no "${verdict}" line`);
  return problems;
}

/** The deadlock demo deadlocks on every run: each thread waits for the lock the other holds, and neither gets both. */
function deadlockClaims(stdout: string): string[] {
  const problems: string[] = [];
  for (const line of ['alice waits for lock B, held by bob', 'bob waits for lock A, held by alice'])
    if (!stdout.split('\n').includes(line)) problems.push(`no "${line}" line`);
  if (stdout.includes('never gets here')) problems.push('a thread got both locks: no deadlock');
  return problems;
}

const EXPECTED: Record<string, DemoExpectation> = {
  'three-patterns': {
    lanes: { process: 3, thread: 3, task: 3 },
    markers: ['thread_start', 'task_create', 'proc_start', 'proc_joined'],
    names: ['thread-A', 'thread-B', 'process-A', 'process-B'],
    stdout: ['[thread B] end after 0.1 s', "[asyncio] results: ['A', 'B']", '[processes] exit codes: 0 0'],
  },
  'io-bound': {
    lanes: { process: 2, thread: 3, task: 7 },
    markers: ['future_submit', 'task_create', 'sleep'],
    stdout: [/^threads +6 requests/m, /^asyncio +6 requests/m, /^processes +6 requests/m],
    claims: ioClaims,
  },
  'cpu-bound-gil': {
    lanes: { process: 3, thread: 3 },
    names: ['cpu-thread-0', 'cpu-thread-1', 'cpu-process-0', 'cpu-process-1'],
    stdout: [/^2 threads: /m, /^2 processes: /m],
    claims: gilClaims,
  },
  'race-condition': {
    lanes: { thread: 5 },
    markers: ['lock_acquired', 'lock_release'],
    names: ['unsafe-0', 'unsafe-1', 'locked-0', 'locked-1'],
    stdout: ['locked: expected 200, got 200 (0 updates lost)', 'lock fixed it'],
    claims: raceClaims,
  },
  deadlock: {
    lanes: { thread: 3 },
    markers: ['lock_wait'],
    names: ['alice', 'bob'],
    stdout: ['alice waits for lock B, held by bob', 'bob waits for lock A, held by alice'],
    claims: deadlockClaims,
  },
  'producer-consumer': {
    lanes: { thread: 4 },
    markers: ['queue_put', 'queue_get'],
    names: ['producer', 'consumer-0', 'consumer-1'],
    stdout: ['handled 8 of 8 items', 'consumer-0 stops', 'consumer-1 stops'],
  },
  'asyncio-cancellation': {
    lanes: { task: 5 },
    markers: ['task_create', 'task_done'],
    names: ['big-file', 'mirror-1', 'mirror-2', 'mirror-3'],
    stdout: ['main: big-file was cancelled: True', 'slow-mirror: cleanup in finally', "main: cancelled ['mirror-3']"],
  },
  'executor-pools': {
    lanes: { process: 3, thread: 4 },
    markers: ['future_submit', 'future_done'],
    names: ['fetcher_0'],
    stdout: ['thread pool finished: fast', /process pool finished: sum of squares below 300000/],
  },
  'asyncio-blocking': {
    lanes: { task: 5, thread: 2 },
    markers: ['future_submit', 'sleep'],
    stdout: [/starved: tick after \d+ ms/, /steady: tick after \d+ ms/],
    claims: blockingClaims,
  },
};

/** Demos finish in a few seconds; the margin is for a loaded machine. */
const RUN_TIMEOUT_MS = 20_000;
/** The deadlock demo hangs by design: a short timeout keeps the suite quick. */
const DEADLOCK_TIMEOUT_MS = 4000;

const pythons = findPythons();
const demoDir = join(repoRoot, 'media', 'demos');

void test('every demo has an expectation, and only demos do', () => {
  assert.deepEqual(
    DEMOS.map((d) => d.id).filter((id) => !(id in EXPECTED)),
    [],
  );
  assert.deepEqual(
    Object.keys(EXPECTED).filter((id) => !DEMOS.some((d) => d.id === id)),
    [],
  );
});

void describe(`demos run traced on Python ${pythons.map((p) => p.version).join(', ')}`, { concurrency: 2 }, () => {
  for (const demo of DEMOS) {
    const text = readFileSync(join(demoDir, demo.file), 'utf8');
    const expected = EXPECTED[demo.id];
    for (const py of pythons) {
      void test(`${demo.id} on ${py.version}`, { timeout: 60_000 }, async () => {
        const r = await runTracedText(
          py.path,
          text,
          demo.file,
          demo.expectsTimeout ? DEADLOCK_TIMEOUT_MS : RUN_TIMEOUT_MS,
        );
        const why = describeRun(r);
        if (demo.expectsTimeout) {
          assert.equal(r.model.error?.code, 'timeout', why);
          const still = (r.model.error?.stillRunning ?? []).join(' | ');
          assert.match(still, /alice/, why);
          assert.match(still, /bob/, why);
        } else {
          assert.equal(r.model.exitCode, 0, why);
          assert.equal(r.model.error, null, why);
        }
        assert.deepEqual(unmetExpectations(r.model, expected ?? { lanes: {} }), [], why);
        for (const want of expected?.stdout ?? []) {
          if (typeof want === 'string') assert.ok(r.stdout.includes(want), `missing "${want}"\n${why}`);
          else assert.match(r.stdout, want, why);
        }
        assert.deepEqual(expected?.claims?.(r.stdout) ?? [], [], why);
      });
    }
  }
});

/**
 * The demos that teach a failure, and when a plain run of one has shown enough: the race demo ends by
 * itself; the deadlock demo never does, so its run is stopped once both threads wait (or one got through).
 */
const FAILURE_DEMOS = [
  { id: 'race-condition', file: 'race_condition.py', claims: raceClaims, hangs: false },
  { id: 'deadlock', file: 'deadlock.py', claims: deadlockClaims, hangs: true },
] as const;

void describe(
  `the failure demos run plainly ${PLAIN_RUNS} times and with late threads on Python ${pythons.map((p) => p.version).join(', ')}`,
  { concurrency: 2 },
  () => {
    for (const demo of FAILURE_DEMOS) {
      const program = join(demoDir, demo.file);
      const enough = (stdout: string): boolean =>
        demo.hangs && (demo.claims(stdout).length === 0 || stdout.includes('never gets here'));
      for (const py of pythons) {
        void test(`${demo.id} shows its failure on every run, on ${py.version}`, { timeout: 90_000 }, async () => {
          for (const { how, args } of everyRun(program)) {
            const r = await runPlain(py.path, args, RUN_TIMEOUT_MS, enough);
            const why = `${demo.id}, ${how}, on ${py.version}:\n${r.stdout}${r.stderr}`;
            assert.deepEqual(demo.claims(r.stdout), [], why);
            if (demo.hangs) assert.ok(r.stopped && !r.timedOut, `it should hang until stopped: ${why}`);
            else assert.equal(r.code, 0, why);
          }
        });
      }
    }
  },
);
