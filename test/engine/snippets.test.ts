/**
 * Every snippet, expanded with its default placeholder values, runs traced through the real run
 * engine on every Python 3.8+ found, and must exit 0 with the lanes it is about. Snippets whose
 * declared minimum version is above a Python are reported as skipped with the reason. The snippets
 * that teach a failure or an interruption (lost updates, a deadlock, work cancelled while it runs) and
 * the fix beside one must show what they teach in their output on every run: traced, plainly several
 * times, and with their threads starting late (as on a busy machine).
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPattern, loadCatalog, supportsPython } from '../../src/patterns/catalog';
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

/**
 * What each snippet must show: own lanes (main process/thread/task included), the markers of the
 * primitive it is about, and the names it gives its threads, tasks and processes.
 */
const EXPECTED: Record<string, TraceExpectation> = {
  'thread-start': { lanes: { thread: 3 }, markers: ['thread_start', 'thread_joined'], names: ['first', 'second'] },
  'thread-subclass': { lanes: { thread: 4 }, markers: ['thread_joined'], names: ['Worker-0', 'Worker-2'] },
  'thread-daemon': { lanes: { thread: 2 }, names: ['heartbeat'] },
  'thread-timer': { lanes: { thread: 3 }, markers: ['thread_start'] },
  'thread-queue-workers': {
    lanes: { thread: 4 },
    markers: ['queue_put', 'queue_get'],
    names: ['worker-0', 'worker-2'],
  },
  'thread-shutdown': { lanes: { thread: 2 }, markers: ['event_set', 'event_woken'], names: ['poll'] },
  'async-gather': { lanes: { task: 3 }, markers: ['task_create', 'task_done'] },
  'async-create-task': { lanes: { task: 3 }, markers: ['task_create', 'task_done'], names: ['job-a', 'job-b'] },
  'async-taskgroup': { lanes: { task: 3 }, markers: ['task_create', 'task_done'], names: ['a', 'b'] },
  // 3.12+ awaits the coroutine in the caller's task: no extra lane to expect.
  'async-wait-for': { lanes: { task: 1 } },
  'async-timeout': { lanes: { task: 1 } },
  'async-queue': { lanes: { task: 3 }, markers: ['queue_put', 'queue_get'], names: ['consumer-0', 'consumer-1'] },
  'async-semaphore': { lanes: { task: 6 }, markers: ['lock_acquired', 'lock_release'] },
  'async-to-thread': { lanes: { task: 3, thread: 2 }, markers: ['future_submit', 'future_done'] },
  'async-run-in-executor': { lanes: { task: 1, thread: 2 }, markers: ['future_submit', 'future_done'] },
  'async-cancel': { lanes: { task: 2 }, markers: ['task_done'], names: ['worker'] },
  'async-as-completed': { lanes: { task: 4 }, names: ['fetch-0', 'fetch-2'] },
  'async-event': { lanes: { task: 3 }, markers: ['event_set', 'event_woken'], names: ['waiter-0', 'waiter-1'] },
  'async-lock': { lanes: { task: 6 }, markers: ['lock_acquired', 'lock_release'] },
  'async-shutdown': { lanes: { task: 4 }, markers: ['event_set'], names: ['w0', 'w1', 'stubborn'] },
  'async-blocking': { lanes: { task: 3 }, markers: ['sleep'] },
  'mp-process': { lanes: { process: 3 }, markers: ['proc_start', 'proc_joined'], names: ['first', 'second'] },
  'mp-pool': { lanes: { process: 3 }, markers: ['proc_start'] },
  'mp-pool-imap': { lanes: { process: 3 }, markers: ['proc_start'] },
  'mp-queue': { lanes: { process: 3 }, markers: ['proc_start'], names: ['producer', 'consumer'] },
  'mp-pipe': { lanes: { process: 2 }, markers: ['proc_joined'], names: ['echo'] },
  'mp-lock': { lanes: { process: 4 }, markers: ['proc_joined'], names: ['report-0', 'report-2'] },
  'mp-value-array': { lanes: { process: 5 }, markers: ['proc_joined'] },
  'mp-manager': { lanes: { process: 4 }, markers: ['proc_joined'] },
  'exec-threads': { lanes: { thread: 3 }, markers: ['future_submit', 'future_done'] },
  'exec-threads-map': { lanes: { thread: 3 }, markers: ['future_submit', 'future_done'] },
  'exec-processes': { lanes: { process: 3 }, markers: ['future_submit', 'future_done'] },
  'exec-processes-map': { lanes: { process: 3 }, markers: ['future_submit', 'future_done'] },
  'exec-cancel': { lanes: { thread: 3 }, markers: ['future_submit', 'future_done'] },
  'sync-lock': {
    lanes: { thread: 3 },
    markers: ['lock_acquired', 'lock_release'],
    names: ['increment-0', 'increment-1'],
  },
  'sync-rlock': { lanes: { thread: 4 }, markers: ['lock_acquired', 'lock_release'], names: ['client-0'] },
  'sync-condition': {
    lanes: { thread: 3 },
    markers: ['cond_wait', 'cond_notify', 'cond_woken'],
    names: ['consumer-0', 'consumer-1'],
  },
  'sync-event': {
    lanes: { thread: 3 },
    markers: ['event_wait', 'event_set', 'event_woken'],
    names: ['waiter-0', 'waiter-1'],
  },
  'sync-barrier': { lanes: { thread: 4 }, markers: ['barrier_wait', 'barrier_pass'], names: ['runner-0', 'runner-2'] },
  'sync-semaphore': {
    lanes: { thread: 5 },
    markers: ['lock_acquired', 'lock_release'],
    names: ['client-0', 'client-3'],
  },
  'race-condition': { lanes: { thread: 3 }, names: ['increment-0', 'increment-1'] },
  'race-fixed': {
    lanes: { thread: 3 },
    markers: ['lock_acquired', 'lock_release'],
    names: ['increment-0', 'increment-1'],
  },
  deadlock: { lanes: { thread: 3 }, markers: ['lock_wait'], names: ['t1', 't2'] },
  'deadlock-fixed': { lanes: { thread: 3 }, markers: ['lock_acquired', 'lock_release'], names: ['t1', 't2'] },
};

/** What a snippet teaches, checked in its output: the problems found (none when it shows it). */
const SHOWS: Record<string, (stdout: string) => string[]> = {
  // shutdown(cancel_futures=True) while the pool is busy: a running job finished, queued ones were cancelled
  'exec-cancel': (stdout) => {
    const m = /^finished (\d+) jobs, cancelled (\d+)$/m.exec(stdout);
    const [finished, cancelled] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    return finished >= 1 && cancelled >= 1 && finished + cancelled === 10
      ? []
      : [`not "a running job finished, queued ones were cancelled": ${m?.[0] ?? 'no result line'}`];
  },
  'race-condition': (stdout) => {
    const m = /^expected \d+, got \d+: (\d+) updates were lost$/m.exec(stdout);
    return m && Number(m[1]) > 0 ? [] : [`no update lost: ${m?.[0] ?? 'no result line'}`];
  },
  'race-fixed': (stdout) => {
    const m = /^expected (\d+), got (\d+)$/m.exec(stdout);
    return m && m[1] === m[2] ? [] : [`updates lost under the lock: ${m?.[0] ?? 'no result line'}`];
  },
  deadlock: (stdout) => {
    const lines = stdout.split('\n').filter((l) => l !== '');
    const problems: string[] = [];
    if (!lines.some((l) => /^t[12] gave up after [\d.]+ s: deadlock$/.test(l)))
      problems.push('no thread gave up: no deadlock');
    const other = lines.filter((l) => !/^t[12] (gave up after [\d.]+ s: deadlock|got both locks)$/.test(l));
    if (lines.length !== 2 || other.length > 0) problems.push(`not one line per thread: ${JSON.stringify(lines)}`);
    return problems;
  },
};
/** A snippet finishes in well under a second; the margin is for a loaded machine. */
const RUN_TIMEOUT_MS = 15_000;

const catalog = loadCatalog(readFileSync(join(repoRoot, 'snippets', 'python.code-snippets'), 'utf8'));
const pythons = findPythons();

void test('every snippet declares what its trace must show, and only snippets do', () => {
  assert.deepEqual(
    catalog.map((e) => e.prefix).filter((p) => !(p in EXPECTED)),
    [],
  );
  assert.deepEqual(
    Object.keys(EXPECTED).filter((p) => !findPattern(catalog, p)),
    [],
  );
});

// Two runs at a time: a run is mostly waiting on a child Python, and the machine has two cores.
void describe(`snippets run traced on Python ${pythons.map((p) => p.version).join(', ')}`, { concurrency: 2 }, () => {
  for (const entry of catalog) {
    for (const py of pythons) {
      const name = `${entry.prefix} on ${py.version}`;
      if (!supportsPython(entry, py.version)) {
        void test(name, { skip: `declared minimum is Python ${entry.minPython}` }, () => undefined);
        continue;
      }
      void test(name, { timeout: 60_000 }, async () => {
        const r = await runTracedText(py.path, entry.preview, `${entry.prefix.replace(/-/g, '_')}.py`, RUN_TIMEOUT_MS);
        assert.equal(r.model.exitCode, 0, describeRun(r));
        assert.equal(r.model.error, null, describeRun(r));
        assert.notEqual(r.stdout.trim(), '', describeRun(r));
        assert.deepEqual(unmetExpectations(r.model, EXPECTED[entry.prefix] ?? { lanes: {} }), [], describeRun(r));
        assert.deepEqual(SHOWS[entry.prefix]?.(r.stdout) ?? [], [], describeRun(r));
      });
    }
  }
});

void describe(
  `failure snippets run plainly ${PLAIN_RUNS} times and with late threads on Python ${pythons.map((p) => p.version).join(', ')}`,
  { concurrency: 2 },
  () => {
    for (const [prefix, shows] of Object.entries(SHOWS)) {
      const entry = findPattern(catalog, prefix);
      for (const py of pythons) {
        const name = `${prefix} shows what it teaches on every run, on ${py.version}`;
        if (entry && !supportsPython(entry, py.version)) {
          void test(name, { skip: `declared minimum is Python ${entry.minPython}` }, () => undefined);
          continue;
        }
        void test(name, { timeout: 90_000 }, async () => {
          assert.ok(entry, `no snippet ${prefix}`);
          const dir = mkdtempSync(join(tmpdir(), 'cl-snippet-'));
          const program = join(dir, `${prefix.replace(/-/g, '_')}.py`);
          writeFileSync(program, entry.preview);
          try {
            for (const { how, args } of everyRun(program)) {
              const r = await runPlain(py.path, args, RUN_TIMEOUT_MS);
              const why = `${prefix}, ${how}, on ${py.version}:\n${r.stdout}${r.stderr}`;
              assert.equal(r.code, 0, why);
              assert.deepEqual(shows(r.stdout), [], why);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    }
  },
);
