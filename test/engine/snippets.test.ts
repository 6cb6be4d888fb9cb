/**
 * Every snippet, expanded with its default placeholder values, runs traced through the real run
 * engine on every Python 3.8+ found, and must exit 0 with the lanes it is about. Snippets whose
 * declared minimum version is above a Python are reported as skipped with the reason.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPattern, loadCatalog, supportsPython } from '../../src/patterns/catalog';
import { describeRun, findPythons, missingLanes, repoRoot, runTracedText, type LaneExpectation } from './patternRuns';

/** Own lanes each snippet must show, main process/thread/task included. */
const EXPECTED_LANES: Record<string, LaneExpectation> = {
  'thread-start': { thread: 3 },
  'thread-subclass': { thread: 4 },
  'thread-daemon': { thread: 2 },
  'thread-timer': { thread: 3 },
  'thread-queue-workers': { thread: 4 },
  'thread-shutdown': { thread: 2 },
  'async-gather': { task: 3 },
  'async-create-task': { task: 3 },
  'async-taskgroup': { task: 3 },
  'async-wait-for': { task: 1 }, // 3.12+ awaits the coroutine in the caller's task: no extra lane
  'async-timeout': { task: 1 },
  'async-queue': { task: 3 },
  'async-semaphore': { task: 6 },
  'async-to-thread': { task: 3, thread: 2 },
  'async-run-in-executor': { task: 1, thread: 2 },
  'async-cancel': { task: 2 },
  'async-as-completed': { task: 4 },
  'async-event': { task: 3 },
  'async-lock': { task: 6 },
  'async-shutdown': { task: 4 },
  'async-blocking': { task: 3 },
  'mp-process': { process: 3 },
  'mp-pool': { process: 3 },
  'mp-pool-imap': { process: 3 },
  'mp-queue': { process: 3 },
  'mp-pipe': { process: 2 },
  'mp-lock': { process: 4 },
  'mp-value-array': { process: 5 },
  'mp-manager': { process: 4 },
  'exec-threads': { thread: 3 },
  'exec-threads-map': { thread: 3 },
  'exec-processes': { process: 3 },
  'exec-processes-map': { process: 3 },
  'exec-cancel': { thread: 3 },
  'sync-lock': { thread: 3 },
  'sync-rlock': { thread: 4 },
  'sync-condition': { thread: 3 },
  'sync-event': { thread: 3 },
  'sync-barrier': { thread: 4 },
  'sync-semaphore': { thread: 5 },
  'race-condition': { thread: 3 },
  'race-fixed': { thread: 3 },
  'deadlock': { thread: 3 },
  'deadlock-fixed': { thread: 3 },
};

/** A snippet finishes in well under a second; the margin is for a loaded machine. */
const RUN_TIMEOUT_MS = 15_000;

const catalog = loadCatalog(readFileSync(join(repoRoot, 'snippets', 'python.code-snippets'), 'utf8'));
const pythons = findPythons();

void test('every snippet declares the lanes it is about, and only snippets do', () => {
  assert.deepEqual(catalog.map((e) => e.prefix).filter((p) => !(p in EXPECTED_LANES)), []);
  assert.deepEqual(Object.keys(EXPECTED_LANES).filter((p) => !findPattern(catalog, p)), []);
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
        assert.deepEqual(missingLanes(r.model, EXPECTED_LANES[entry.prefix] ?? {}), [], describeRun(r));
      });
    }
  }
});
