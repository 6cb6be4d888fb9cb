/**
 * Every demo runs traced through the real run engine on every Python 3.8+ found: it exits 0 (the
 * deadlock demo: stopped by the timeout, with both threads reported as still running), shows the
 * lanes it is about, and prints what it promises.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMOS } from '../../src/patterns/demos';
import { describeRun, findPythons, repoRoot, runTracedText, unmetExpectations, type TraceExpectation } from './patternRuns';

interface DemoExpectation extends TraceExpectation {
  /** Lines (or parts of lines) the demo's output must contain. */
  stdout: (string | RegExp)[];
}

const EXPECTED: Record<string, DemoExpectation> = {
  'three-patterns': {
    lanes: { process: 3, thread: 3, task: 3 },
    markers: ['thread_start', 'task_create', 'proc_start', 'proc_joined'],
    names: ['thread-A', 'thread-B', 'process-A', 'process-B'],
    stdout: ['[thread B] end after 0.1 s', '[asyncio] results: [\'A\', \'B\']', '[processes] exit codes: 0 0'],
  },
  'io-bound': {
    lanes: { process: 2, thread: 3, task: 7 },
    markers: ['future_submit', 'task_create', 'sleep'],
    stdout: [/^threads +6 requests/m, /^asyncio +6 requests/m, /^processes +6 requests/m],
  },
  'cpu-bound-gil': {
    lanes: { process: 3, thread: 3 },
    names: ['cpu-thread-0', 'cpu-thread-1', 'cpu-process-0', 'cpu-process-1'],
    stdout: [/^2 threads took/m, /^2 processes took/m],
  },
  'race-condition': {
    lanes: { thread: 5 },
    markers: ['lock_acquired', 'lock_release'],
    names: ['unsafe-0', 'unsafe-1', 'locked-0', 'locked-1'],
    stdout: ['locked: expected 200, got 200 (0 updates lost)', 'lock fixed it'],
  },
  deadlock: {
    lanes: { thread: 3 },
    markers: ['lock_wait'],
    names: ['alice', 'bob'],
    stdout: ['alice waits for lock B, held by bob', 'bob waits for lock A, held by alice'],
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
  },
};

/** Demos finish in a few seconds; the margin is for a loaded machine. */
const RUN_TIMEOUT_MS = 20_000;
/** The deadlock demo hangs by design: a short timeout keeps the suite quick. */
const DEADLOCK_TIMEOUT_MS = 4000;

const pythons = findPythons();
const demoDir = join(repoRoot, 'media', 'demos');

void test('every demo has an expectation, and only demos do', () => {
  assert.deepEqual(DEMOS.map((d) => d.id).filter((id) => !(id in EXPECTED)), []);
  assert.deepEqual(Object.keys(EXPECTED).filter((id) => !DEMOS.some((d) => d.id === id)), []);
});

void describe(`demos run traced on Python ${pythons.map((p) => p.version).join(', ')}`, { concurrency: 2 }, () => {
  for (const demo of DEMOS) {
    const text = readFileSync(join(demoDir, demo.file), 'utf8');
    const expected = EXPECTED[demo.id];
    for (const py of pythons) {
      void test(`${demo.id} on ${py.version}`, { timeout: 60_000 }, async () => {
        const r = await runTracedText(py.path, text, demo.file, demo.expectsTimeout ? DEADLOCK_TIMEOUT_MS : RUN_TIMEOUT_MS);
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
      });
    }
  }
});
