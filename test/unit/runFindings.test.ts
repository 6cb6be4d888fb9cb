// The run findings over trace models the CLI made of real programs (test/fixtures/runFindings), and
// over the same models changed just below a threshold, to show each finding can fail.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceModel } from '../../src/shared/traceModel';
import { RUN_FINDING_KINDS, runFindings, type RunFinding } from '../../src/trace/findings';

const ROOT = join(__dirname, '..', '..', '..');

function model(name: string): TraceModel {
  const file = name.startsWith('demo:')
    ? join(ROOT, 'test', 'fixtures', 'models', `${name.slice(5)}.json`)
    : join(ROOT, 'test', 'fixtures', 'runFindings', `${name}.model.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as TraceModel;
}

const brief = (fs: RunFinding[]): string[] => fs.map((f) => `${f.kind}@${f.line}`);

for (const variant of ['blocked_loop', 'blocked_loop.py38']) {
  void test(`${variant}: a time.sleep() and a CPU-bound call each blocked the loop, on their lines; the polite task did not`, () => {
    const found = runFindings(model(variant));
    assert.deepEqual(brief(found), ['blocked-loop@14', 'blocked-loop@20']);
    assert.match(
      found[0].message,
      /^The event loop was blocked for [\d.]+ m?s by time\.sleep\(0\.3\) in task "Task-2".*Use await asyncio\.sleep\(\) instead\.$/,
    );
    assert.match(
      found[1].message,
      /blocked for [\d.]+ m?s by crunch\(\) in task "Task-3", [\d.]+ m?s of it on the CPU/,
    );
    assert.equal(found[0].severity, 'warning');
  });
}

void test('blocked_loop: steps shorter than 100 ms are no finding', () => {
  const m = model('blocked_loop');
  // Cut every span and wait to 90 ms: the same run, with no step over the line.
  const cap = (s: number, e: number): number => Math.min(e, s + 90e6);
  for (const s of m.spans) s.end = cap(s.start, s.end);
  for (const k of m.markers) if (k.waitEnd !== undefined) k.waitEnd = cap(k.ts, k.waitEnd);
  assert.deepEqual(runFindings(m), []);
});

void test('gil_threads: two CPU-bound threads taking turns are an information on the function they ran', () => {
  const found = runFindings(model('gil_threads'));
  assert.deepEqual(brief(found), ['gil-contention@5']);
  assert.equal(found[0].severity, 'information');
  assert.match(
    found[0].message,
    /^2 threads ran count\(\) on the CPU at the same time, yet used .* the GIL .*ProcessPoolExecutor/,
  );
});

void test('gil_threads: threads that used more CPU than wall time ran in parallel (no GIL): no finding', () => {
  const m = model('gil_threads');
  for (const s of m.spans) if (s.depth === 0 && m.lanes[s.lane].name.startsWith('Thread-')) s.cpu = s.end - s.start;
  assert.deepEqual(runFindings(m), []);
});

void test('the GIL demo: its two threads contend; its two processes, running the same function, do not', () => {
  const m = model('demo:cpu_bound_gil');
  const found = runFindings(m);
  assert.deepEqual(brief(found), ['gil-contention@18']);
  assert.match(found[0].message, /^2 threads ran count_down\(\)/);
});

void test('io_threads: threads that sleep and hold a lock briefly: nothing to find', () => {
  assert.deepEqual(runFindings(model('io_threads')), []);
});

for (const variant of ['lost_exceptions', 'lost_exceptions.py38']) {
  void test(`${variant}: the task whose exception nobody retrieved is found where it was created; the awaited one is not`, () => {
    const found = runFindings(model(variant));
    assert.deepEqual(brief(found), ['unretrieved-exception@20', 'unretrieved-exception@31']);
    assert.match(
      found[0].message,
      /^Task "Task-2" \(boom\(\)\) created here raised RuntimeError: task failed and nobody retrieved it/,
    );
    assert.match(
      found[1].message,
      /^fail\(\) submitted here to ThreadPoolExecutor raised ValueError: nobody saw this and nobody retrieved it/,
    );
  });
}

void test('lost_exceptions: the future whose result() was called is no finding; without that read it is one', () => {
  const m = model('lost_exceptions');
  const reads = m.markers.filter((k) => k.kind === 'future_read');
  assert.deepEqual(
    reads.map((k) => k.detail.how),
    ['result'],
  );
  m.markers = m.markers.filter((k) => k.kind !== 'future_read');
  assert.deepEqual(brief(runFindings(m)), [
    'unretrieved-exception@20',
    'unretrieved-exception@31',
    'unretrieved-exception@32',
  ]);
});

void test('lost_exceptions: past the event budget a read may be missing, so no future is reported', () => {
  const m = model('lost_exceptions');
  const last = m.markers[m.markers.length - 1];
  m.markers.push({ ...last, kind: 'limit', order: last.order + 1, detail: { what: 'events' } });
  assert.deepEqual(brief(runFindings(m)), ['unretrieved-exception@20']);
});

void test('every kind of finding has its page: what it means, a wrong and a right example, what to do', () => {
  for (const kind of RUN_FINDING_KINDS) {
    const page = readFileSync(join(ROOT, 'media', 'findings', `${kind}.md`), 'utf8');
    assert.ok(page.startsWith(`# ${kind}: `), kind);
    for (const part of ['## Wrong', '## Right', '## What to do']) assert.ok(page.includes(part), `${kind}: ${part}`);
  }
});

void test("lost_exceptions: without asyncio's own report, a failed task is no finding (it may have been read)", () => {
  const m = model('lost_exceptions');
  m.markers = m.markers.filter((k) => !(k.kind === 'exc' && k.detail.uncaught === 'true'));
  assert.deepEqual(brief(runFindings(m)), ['unretrieved-exception@31']);
});

void test('long_lock: the hold that made another thread wait is found at its acquire, naming the sleep inside it', () => {
  const found = runFindings(model('long_lock'));
  assert.deepEqual(brief(found), ['long-lock-hold@9']);
  assert.match(
    found[0].message,
    /^Lock #1 was held here for \d+ ms by thread "Thread-1 \(slow_holder\)" while thread "Thread-2 \(waiter\)" waited \d+ ms for it \(line 15\)\. Most of that time went to time\.sleep\(0\.4\) \(line 10\)\./,
  );
});

void test('long_lock: a waiter that waited under 100 ms of the hold is no finding', () => {
  const m = model('long_lock');
  for (const k of m.markers) if (k.kind === 'lock_wait' && k.waitEnd !== undefined) k.ts = k.waitEnd - 90e6;
  assert.deepEqual(runFindings(m), []);
});

void test('the recorded demo models of the other kinds (queues, a deadlock, the seed programs) have no findings', () => {
  for (const name of ['producer_consumer', 'seed_asyncio', 'seed_multiprocessing', 'seed_threads', 'three_patterns']) {
    assert.deepEqual(brief(runFindings(model(`demo:${name}`))), [], name);
  }
});
