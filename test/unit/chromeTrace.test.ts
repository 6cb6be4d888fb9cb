import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { exportChromeTrace, importChromeTrace, toChromeEvents } from '../../src/trace/chromeTrace';
import { buildModel } from '../../src/trace/buildModel';
import type { TraceModel } from '../../src/shared/traceModel';
import { asyncioStream } from './sampleStreams';
import { RawStream } from './rawStream';

function sample(): TraceModel {
  return buildModel(asyncioStream().events, {
    title: 'a.py',
    exitCode: 1,
    error: { code: 'uncaught-exception', message: 'ValueError', line: 5 },
  });
}

function threadsModel(): TraceModel {
  const s = new RawStream(5);
  s.ev(1, 0, 'code', { id: 1, name: 'outer', qualname: 'outer', file: '/p/t.py', line: 1 })
    .ev(1, 0, 'code', { id: 2, name: 'inner', qualname: 'inner', file: '/p/t.py', line: 4 })
    .ev(1, 0, 'call', [1, 0, 1])
    .ev(1, 0, 'call', [2, 0, 4])
    .ev(1, 0, 'return', [2, 10])
    .ev(1, 0, 'call', [2, 10, 4])
    .ev(1, 0, 'thread_start', { obj: 1, name: 'w' })
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'w' })
    .ev(2, 0, 'call', [2, 0, 4])
    .ev(1, 0, 'return', [2, 20])
    .ev(1, 0, 'return', [1, 30])
    .ev(2, 0, 'return', [2, 5])
    .ev(2, 0, 'thread_end', { obj: 1 });
  return buildModel(s.events, { title: 't.py' });
}

type Ev = {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: string;
  args?: Record<string, unknown>;
};

void test('our own export opens again as exactly the same model', () => {
  for (const m of [sample(), threadsModel()]) {
    const text = exportChromeTrace(m);
    const back = importChromeTrace(text);
    assert.ok('model' in back, 'error' in back ? back.error : '');
    assert.deepEqual(back.model, JSON.parse(JSON.stringify(m)));
    assert.deepEqual(back.model, m);
  }
});

void test('the export is a Chrome trace: metadata, one track per thread and per task, X spans that nest', () => {
  const m = sample();
  const doc = JSON.parse(exportChromeTrace(m)) as { traceEvents: Ev[]; displayTimeUnit: string };
  assert.equal(doc.displayTimeUnit, 'ns');
  const evs = doc.traceEvents;
  const names = evs.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args?.name);
  assert.deepEqual(names, ['process events', 'MainThread', 'task Task-1', 'task fetch-a', 'asyncio_0 (internal)']);
  assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'MainProcess (pid 7)'));
  assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'process_sort_index'));
  assert.equal(evs.filter((e) => e.ph === 'M' && e.name === 'thread_sort_index').length, m.lanes.length);
  const taskTids = new Set(evs.filter((e) => e.ph === 'X' && e.name === 'fetch').map((e) => e.tid));
  const mainTids = new Set(evs.filter((e) => e.ph === 'X' && e.name === 'main').map((e) => e.tid));
  assert.equal(taskTids.size, 1);
  assert.equal(mainTids.size, 1);
  assert.notDeepEqual([...taskTids], [...mainTids]);
  for (const e of evs) {
    assert.ok(typeof e.pid === 'number' && typeof e.tid === 'number' && typeof e.name === 'string');
    if (e.ph !== 'M') assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts));
  }
});

void test('spans on every track nest properly', () => {
  for (const m of [sample(), threadsModel()]) {
    const evs = toChromeEvents(m).filter((e) => e.ph === 'X');
    const byTrack = new Map<string, Ev[]>();
    for (const e of evs) byTrack.set(`${e.pid}/${e.tid}`, [...(byTrack.get(`${e.pid}/${e.tid}`) ?? []), e]);
    for (const list of byTrack.values()) {
      list.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || (b.dur ?? 0) - (a.dur ?? 0));
      const stack: number[] = [];
      for (const e of list) {
        const start = e.ts ?? 0;
        const end = start + (e.dur ?? 0);
        while (stack.length > 0 && stack[stack.length - 1] <= start) stack.pop();
        if (stack.length > 0) assert.ok(end <= stack[stack.length - 1] + 1e-9, `span ${e.name} overlaps its parent`);
        stack.push(end);
      }
    }
  }
  const t = threadsModel();
  assert.deepEqual(
    t.spans.map((s) => s.depth),
    [0, 1, 1, 0],
  );
});

void test('flows are s/f pairs with matching id, cat and name, and bp "e" on the end', () => {
  const m = sample();
  const evs = toChromeEvents(m);
  const starts = evs.filter((e) => e.ph === 's');
  const ends = evs.filter((e) => e.ph === 'f');
  assert.equal(starts.length, m.flows.length);
  assert.ok(m.flows.length >= 3);
  for (const s of starts) {
    const f = ends.filter((e) => e.id === s.id);
    assert.equal(f.length, 1);
    assert.equal(f[0].cat, s.cat);
    assert.equal(f[0].name, s.name);
    assert.equal(f[0].bp, 'e');
    assert.ok((f[0].ts ?? 0) >= (s.ts ?? 0));
  }
});

void test('markers become instant events with their details', () => {
  const evs = toChromeEvents(sample());
  const exc = evs.find((e) => e.ph === 'i' && e.cat === 'exc');
  assert.equal(exc?.name, 'uncaught ValueError: <b>bad</b>');
  assert.equal(exc?.s, 't');
  assert.equal(exc?.args?.type, 'ValueError');
  const wait = evs.find((e) => e.ph === 'i' && e.cat === 'event_wait');
  assert.equal(typeof wait?.args?.['wait ms'], 'number');
});

void test('truncated, foreign and damaged files give clear errors', () => {
  const text = exportChromeTrace(sample());
  const err = (t: string): string => {
    const r = importChromeTrace(t);
    assert.ok('error' in r, 'expected an error');
    return r.error;
  };
  assert.match(err(text.slice(0, text.length - 100)), /not valid JSON; it may be truncated/);
  assert.match(err(''), /not valid JSON/);
  assert.match(
    err(JSON.stringify({ traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, ts: 0, dur: 1 }] })),
    /not exported by Python Concurrency Lab/,
  );
  assert.match(err('[]'), /not exported by Python Concurrency Lab/);
  assert.match(err('{"hello": 1}'), /not a trace file/);
  assert.match(err(JSON.stringify({ concurrencyLab: { format: 'other' } })), /is not a Concurrency Lab trace/);

  const doc = JSON.parse(text) as { concurrencyLab: { model: TraceModel } };
  const damaged = (mutate: (m: TraceModel) => void): string => {
    const copy = JSON.parse(text) as typeof doc;
    mutate(copy.concurrencyLab.model);
    return err(JSON.stringify(copy));
  };
  assert.match(
    damaged((m) => (m.lanes[1].parent = 99)),
    /model\.lanes\[1\]\.parent/,
  );
  assert.match(
    damaged((m) => (m.spans[0].lane = -1)),
    /model\.spans\[0\]\.lane/,
  );
  assert.match(
    damaged((m) => (m.steps[0].ref.index = 10_000)),
    /model\.steps\[0\]\.ref\.index/,
  );
  assert.match(
    damaged((m) => Object.assign(m.markers[0], { kind: 'rm -rf' })),
    /model\.markers\[0\]\.kind: unexpected value/,
  );
  assert.match(
    damaged((m) => Object.assign(m.markers[0], { detail: { x: { y: 1 } } })),
    /detail\.x/,
  );
  assert.match(
    damaged((m) => Object.assign(m, { version: 99 })),
    /format version 99/,
  );
  assert.match(
    damaged((m) => delete (m as Partial<TraceModel>).stats),
    /model\.stats/,
  );
  assert.match(
    damaged((m) => (m.sources[0].id = 3)),
    /model\.sources\[0\]\.id/,
  );
  assert.match(
    damaged((m) => Object.assign(m, { error: { code: 'pwned', message: '' } })),
    /model\.error\.code/,
  );
  assert.ok(doc.concurrencyLab.model);
});

void test('random corruption of an export never throws', () => {
  const text = exportChromeTrace(sample());
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const junk = ['null', '-1', '1e999', '"x"', '[]', '{}', 'true', '0.5'];
  for (let i = 0; i < 500; i++) {
    // Replace one JSON value after a random colon with junk, keeping the text parseable most of the time.
    let at = rnd(text.length);
    at = text.indexOf(':', at);
    if (at < 0) continue;
    const endComma = text.slice(at + 1).search(/[,}\]]/);
    const mutated = text.slice(0, at + 1) + junk[rnd(junk.length)] + text.slice(at + 1 + endComma);
    assert.doesNotThrow(() => importChromeTrace(mutated));
  }
});
