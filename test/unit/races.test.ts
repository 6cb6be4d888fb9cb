// The explorer's proven data races in the trace model: build (src/trace/build/races.ts), validation and words.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel } from '../../src/trace/buildModel';
import { raceSentence, raceSentences } from '../../src/shared/raceText';
import { compareModel, scheduleName } from '../../src/explore/compareReplays';
import { validateModel } from '../../src/trace/validateModel';
import type { TraceModel } from '../../src/shared/traceModel';
import { RACE_FILE as FILE, asyncioStream, racyStream } from './sampleStreams';
import { RawStream } from './rawStream';
import type { RawEvent } from '../../src/trace/schema';

const model = (race: { first: number; second: number } | null): TraceModel =>
  buildModel(racyStream(race).events, { title: 'race_condition.py · seed 0' });

void test('a proven race marks exactly its two accesses, on their lanes, at their lines, as steps', () => {
  const m = model({ first: 2, second: 3 });
  assert.equal(m.races?.length, 1);
  const race = m.races?.[0];
  assert.ok(race);
  const [a, b] = race.accesses;
  const marks = m.markers.filter((x) => x.kind === 'shared_access');
  assert.equal(marks.length, 2, 'the other accesses are no marks');
  assert.deepEqual(
    [a, b].map((x) => [m.lanes[x.lane].name, x.line, x.kind, m.markers[x.marker].lane === x.lane]),
    [
      ['unsafe-1', 31, 'read', true],
      ['unsafe-0', 33, 'write', true],
    ],
  );
  // in the order they ran, each a step that opens the program's file at the access's line
  assert.ok(m.markers[a.marker].order < m.markers[b.marker].order);
  for (const x of [a, b]) {
    const mark = m.markers[x.marker];
    assert.equal(mark.severity, 'error');
    assert.equal(m.sources[mark.source]?.file, FILE);
    assert.equal(mark.line, x.line);
    assert.ok(m.steps.some((st) => st.ref.type === 'marker' && st.ref.index === x.marker));
  }
  assert.equal(m.markers[a.marker].label, "data race: read Counter.value, unordered with unsafe-0's write at L33");
  assert.equal(m.markers[b.marker].label, "data race: write Counter.value, unordered with unsafe-1's read at L31");
  assert.deepEqual(raceSentences(m), [
    'Data race on Counter.value: unsafe-0 wrote at L33 while unsafe-1 had read it at L31 — updates can be lost',
  ]);
});

void test('no race event, no races: the accesses stay unmarked (a plain run records none at all)', () => {
  const m = model(null);
  assert.equal(m.races, undefined);
  assert.equal(m.markers.filter((x) => x.kind === 'shared_access').length, 0);
  assert.equal(m.stats.eventsByKind.shared_access, 4);
  assert.deepEqual(raceSentences(m), []);
});

void test('a race naming an access the stream does not have is not shown (only what the run proved, with its marks)', () => {
  const s = racyStream(null);
  s.ev(2, 0, 'race', {
    target: 'Counter.value',
    first: { id: 99, lane: 'unsafe-1', line: 31, kind: 'read' },
    second: { id: 3, lane: 'unsafe-0', line: 33, kind: 'write' },
  });
  const m = buildModel(s.events, {});
  assert.equal(m.races, undefined);
});

void test('races in words: write then read, write then write; lines as the document numbers them', () => {
  const m = model({ first: 3, second: 4 });
  const base = { lanes: m.lanes, lineOffset: 0 };
  const [w0, w1] = m.races![0].accesses;
  assert.equal(
    raceSentence(base, m.races![0]),
    'Data race on Counter.value: unsafe-0 wrote at L33 and unsafe-1 wrote at L33, nothing ordering the two — updates can be lost',
  );
  assert.equal(
    raceSentence({ ...base, lineOffset: 10 }, { target: 'x', accesses: [w0, { ...w1, kind: 'read', line: 31 }] }),
    "Data race on x: unsafe-1 read it at L41, nothing ordering that after unsafe-0's write at L43 — what it reads depends on timing",
  );
});

void test('validateModel checks races: two accesses, each a shared_access marker, lanes in range, read or write', () => {
  const m = JSON.parse(JSON.stringify(model({ first: 2, second: 3 }))) as TraceModel;
  assert.ok('model' in validateModel(m));
  const bad = (f: (x: TraceModel) => void): string => {
    const c = JSON.parse(JSON.stringify(m)) as TraceModel;
    f(c);
    const r = validateModel(c);
    return 'error' in r ? r.error : '';
  };
  assert.match(
    bad((c) => (c.races![0].accesses[0].marker = c.markers.length)),
    /model\.races\[0\]\.accesses\[0\]\.marker/,
  );
  assert.match(
    bad((c) => (c.races![0].accesses[0].marker = c.markers.findIndex((x) => x.kind !== 'shared_access'))),
    /expected a shared_access marker/,
  );
  assert.match(
    bad((c) => (c.races![0].accesses[1].lane = c.lanes.length)),
    /model\.races\[0\]\.accesses\[1\]\.lane/,
  );
  assert.match(
    bad((c) => (c.races![0].accesses as unknown[]).pop()),
    /expected two accesses/,
  );
  assert.match(
    bad((c) => ((c.races![0].accesses[0] as { kind: string }).kind = 'poke')),
    /accesses\[0\]\.kind: unexpected value/,
  );
  assert.match(
    bad((c) => ((c.races as unknown) = {})),
    /model\.races: expected an array/,
  );
});

void test('races in words: those that can lose an update first, else in the order found', () => {
  const s = racyStream({ first: 3, second: 2 }); // unsafe-0's write, then unsafe-1's read: found first
  s.ev(3, 0, 'race', {
    target: 'Counter.value',
    first: { id: 2, lane: 'unsafe-1', line: 31, kind: 'read' },
    second: { id: 4, lane: 'unsafe-0', line: 33, kind: 'write' },
  });
  const m = buildModel(s.events, {});
  assert.deepEqual(
    m.races?.map((r) => r.accesses.map((a) => a.kind).join('→')),
    ['write→read', 'read→write'],
  );
  assert.deepEqual(
    raceSentences(m).map((t) => t.split(' — ')[1]),
    ['updates can be lost', 'what it reads depends on timing'],
  );
});

/** The events with each read of an event counted (for-of and indexing both go through `get`). */
function counted(events: readonly RawEvent[]): { events: readonly RawEvent[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(events, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { events: proxy, reads: () => reads };
}

void test("one pass: a plain run's build reads each event once; only a replay's first access reads ahead for its races", () => {
  const plain = asyncioStream().events;
  const p = counted(plain);
  buildModel(p.events);
  // (the pass, plus the first and last events' times)
  assert.equal(p.reads(), plain.length + 2, 'no second pass over a run that has no shared accesses');
  const racy = racyStream({ first: 2, second: 3 }).events;
  const r = counted(racy);
  const m = buildModel(r.events);
  assert.equal(m.races?.length, 1);
  assert.equal(r.reads(), 2 * racy.length + 2, 'a replay: the pass, and one read-ahead for its races');
});

void test("Compare: the two schedules line up on their programs' first lines, not on their interpreters' start-ups", () => {
  // A replay of the same program: start-up (before <module>'s first line) takes `startup` ns, then the
  // program's steps follow at the same pace.
  const replay = (pid: number, startup: number): RawEvent[] => {
    const s = new RawStream(pid, 5_000_000_000).mainProcess();
    s.ev(1, 0, 'code', { id: 1, name: '<module>', qualname: '<module>', file: FILE, line: 1 }, startup);
    s.ev(1, 0, 'call', [1, 0, 1]);
    s.ev(1, 0, 'thread_start', { obj: 7, name: 't0', daemon: false, internal: false });
    s.ev(1, 0, 'return', [1, 0]);
    return s.events;
  };
  const passing = { seed: 1, failure: null, races: [] };
  // B's interpreter took 70 ms longer to start up (a cold cache, a busy machine).
  const m = compareModel(
    { file: FILE },
    { ...passing, events: replay(100, 5e6) },
    { ...passing, seed: 2, events: replay(100, 75e6) },
    0,
  );
  const modules = m.spans.filter((x) => x.name === '<module>');
  assert.equal(modules.length, 2);
  assert.equal(modules[0].start, modules[1].start, "both programs' first lines at the same instant");
  const starts = m.markers.filter((x) => x.kind === 'thread_start');
  assert.equal(starts.length, 2);
  assert.equal(starts[0].ts, starts[1].ts, 'equal steps at the same x');
  // A above B (processes are listed by when they start): B's longer start-up begins just after A's.
  assert.deepEqual(
    m.lanes.filter((l) => l.kind === 'process').map((l) => l.name),
    ['A · seed 1 (passing)', 'B · seed 2 (passing)'],
  );
  const begins = m.markers.filter((x) => x.kind === 'proc_begin').map((x) => modules[0].start - x.ts);
  assert.deepEqual(begins, [5e6 + 1000, 5e6 + 999]);
});

void test('Compare: the race sentences and the lanes say which seed, and which side (failing, racy or passing) each is', () => {
  const race = raceSentences(model({ first: 2, second: 3 }));
  const failing = { seed: 3, failure: { kind: 'exception' as const, message: 'AssertionError' }, races: race };
  const racy = { seed: 7, failure: null, races: race };
  const m = compareModel(
    { file: FILE },
    { ...failing, events: racyStream({ first: 2, second: 3 }).events },
    { ...racy, events: racyStream({ first: 1, second: 4 }).events },
    5,
  );
  assert.deepEqual(
    m.lanes.filter((l) => l.kind === 'process').map((l) => l.name),
    ['A · seed 3 (failing)', 'B · seed 7 (racy)'],
  );
  assert.match(m.title, /· A · seed 3 \(failing\) vs B · seed 7 \(racy\) \(part at decision 5\)$/);
  assert.deepEqual(raceSentences(m).sort(), [
    'In A · seed 3 (failing): data race on Counter.value: unsafe-0 wrote at L33 while unsafe-1 had read it at L31 — updates can be lost',
    'In B · seed 7 (racy): data race on Counter.value: unsafe-1 wrote at L33 while unsafe-0 had read it at L31 — updates can be lost',
  ]);
  // No failure and no race: passing.
  assert.equal(scheduleName({ seed: 9, failure: null, races: [] }), 'seed 9 (passing)');
  // One process: the sentence as before, no "In …".
  assert.ok(raceSentences(model({ first: 2, second: 3 }))[0].startsWith('Data race on Counter.value: '));
});
