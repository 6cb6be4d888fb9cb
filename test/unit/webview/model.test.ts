import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventMatches, filterSteps, laneSubtree, NO_FILTER, stepsOnLine } from '../../../src/webview/filter';
import { hitTest } from '../../../src/webview/hitTest';
import { laneDepths, buildModelIndex, stepAtOrder } from '../../../src/webview/modelIndex';
import { layoutLanes, MARKER_H, MAX_SPAN_ROWS, RULER_H, SPAN_H } from '../../../src/webview/layout';
import { markerCategory, markerStyle } from '../../../src/webview/markerStyle';
import { WAIT_STATES, WAIT_STYLE, waitState } from '../../../src/webview/laneStates';
import { numberRange, printNumbers, printNumbersOf } from '../../../src/webview/printNumbers';
import { fitWindow, foldedStartup } from '../../../src/webview/viewport';
import { buildModel } from '../../../src/trace/buildModel';
import { RawStream } from '../rawStream';
import { MARKER_KINDS } from '../../../src/shared/eventKinds';
import { LANE_PALETTE_SIZE, laneColorSlots } from '../../../src/webview/laneColors';
import { lanePathNamer, laneTitle } from '../../../src/webview/laneNames';
import { GUTTER_W, type ViewState } from '../../../src/webview/viewState';
import { frameScale } from '../../../src/webview/renderer';
import { columnsOfModel, decodeTraceColumnsDeferred, encodeTraceColumns } from '../../../src/shared/traceColumns';
import { demoModel } from '../../webview/models';

test('the index maps every step to its event and back', () => {
  const m = demoModel();
  const ix = buildModelIndex(m);
  m.steps.forEach((st, i) => {
    const back = st.ref.type === 'span' ? ix.spanStep[st.ref.index] : ix.markerStep[st.ref.index];
    assert.equal(back, i);
  });
  assert.equal(stepAtOrder(ix, m.steps[7].order), 7);
  assert.equal(stepAtOrder(ix, m.steps[m.steps.length - 1].order + 10), m.steps.length - 1);
  const worker = m.lanes.findIndex((l) => l.name === 'worker-1');
  assert.equal(laneDepths(ix)[worker], 1);
  assert.equal(ix.lane(worker).spans.length, 2);
});

test('the index groups spans by lane and row: deep calls share the last row, stray lanes are left out', () => {
  const m = demoModel();
  const worker = m.lanes.findIndex((l) => l.name === 'worker-1');
  const base = m.spans.findIndex((s) => s.lane === worker);
  const add = (over: Partial<(typeof m.spans)[number]>): number => m.spans.push({ ...m.spans[base], ...over }) - 1;
  const deep = add({ depth: 14, start: 1, end: 2 });
  const neg = add({ depth: -3, start: 3, end: 4 });
  const stray = add({ lane: m.lanes.length + 5 });
  const strayMarker = m.markers.push({ ...m.markers[0], lane: -1 }) - 1;
  const ix = buildModelIndex(m);
  const lane = ix.lane(worker);
  assert.equal(lane.spans.length, MAX_SPAN_ROWS);
  assert.equal(lane.maxDepth, 14);
  assert.ok(Array.from(lane.spans[MAX_SPAN_ROWS - 1].ids).includes(deep));
  assert.ok(Array.from(lane.spans[0].ids).includes(neg));
  const everywhere = ix.lanes.flatMap((l) => l.spans.flatMap((row) => Array.from(row.ids)));
  assert.equal(everywhere.includes(stray), false);
  assert.equal(everywhere.length, m.spans.length - 1);
  assert.equal(
    ix.lanes.some((l) => Array.from(l.markers.ids).includes(strayMarker)),
    false,
  );
  // Each row is sorted by start, whatever order the spans came in.
  for (const row of lane.spans)
    for (let i = 1; i < row.starts.length; i++) assert.ok(row.starts[i - 1] <= row.starts[i]);
  // Built from the columns of a 'traceColumns' payload, it is the same index.
  const c = encodeTraceColumns({
    ...m,
    spans: m.spans.filter((_s, i) => i !== stray),
    markers: m.markers.slice(0, -1),
  });
  const d = decodeTraceColumnsDeferred(c.head, c.data);
  const fromCols = buildModelIndex(d.model, d.columns);
  d.finish();
  const fromObjects = buildModelIndex(d.model);
  const shape = (x: typeof ix): unknown =>
    x.lanes.map((l) => ({
      spans: l.spans.map((r) => Array.from(r.ids)),
      markers: Array.from(l.markers.ids),
      waits: Array.from(l.waits.ids),
      depth: l.maxDepth,
    }));
  assert.deepEqual(shape(fromCols), shape(fromObjects));
  assert.deepEqual(Array.from(fromCols.spanCpu), Array.from(fromObjects.spanCpu));
  assert.deepEqual(Array.from(fromCols.errors), Array.from(fromObjects.errors));
  assert.deepEqual(Array.from(fromCols.flows.ids), Array.from(fromObjects.flows.ids));
});

test('filters match text, lane names, lanes with their children, and kinds', () => {
  const m = demoModel();
  assert.equal(filterSteps(m, NO_FILTER).length, m.steps.length);
  const byText = filterSteps(m, { text: 'LOCK #1', lane: -1, kind: '' });
  assert.ok(byText.length >= 5);
  for (const i of byText) assert.match(m.steps[i].text, /lock #1/i);
  const locks = filterSteps(m, { text: '', lane: -1, kind: 'lock' });
  assert.deepEqual(
    Array.from(locks),
    Array.from(byText).filter((i) => m.steps[i].ref.type === 'marker'),
  );
  const calls = filterSteps(m, { text: '', lane: -1, kind: 'call' });
  assert.equal(calls.length, m.spans.length);
  const main = m.lanes.findIndex((l) => l.name === 'MainThread');
  const sub = laneSubtree(m, main);
  assert.ok(sub.has(main) && sub.size === 4, `subtree ${[...sub].join()}`);
  const inMain = filterSteps(m, { text: '', lane: main, kind: '' }, sub);
  for (const i of inMain) assert.ok(sub.has(m.steps[i].lane));
  const flags = eventMatches(m, locks);
  assert.equal(
    flags.markers.reduce((a, b) => a + b, 0),
    locks.length,
  );
  assert.deepEqual(
    stepsOnLine(m, 0, 25).map((i) => m.steps[i].line),
    stepsOnLine(m, 0, 25).map(() => 25),
  );
});

test('marker kinds map to categories and errors override colour', () => {
  assert.equal(markerCategory('lock_wait'), 'lock');
  assert.equal(markerCategory('await'), 'task');
  assert.equal(markerCategory('proc_joined'), 'lifecycle');
  assert.equal(markerCategory('barrier_pass'), 'event');
  assert.equal(markerCategory('exc'), 'exception');
  assert.equal(markerStyle('queue_put', 'error').color, 'error');
  assert.equal(markerStyle('limit', 'info').color, 'warning');
});

test('hit testing finds the span and the marker under a point', () => {
  const m = demoModel();
  const index = buildModelIndex(m);
  const layout = layoutLanes(m.lanes, laneDepths(index), {
    collapsed: new Set(),
    internalShown: new Set(),
    showAllInternal: false,
    laneFilter: -1,
  });
  const v: ViewState = {
    model: m,
    index,
    layout,
    window: fitWindow(m.duration),
    startup: 0,
    gutterW: GUTTER_W,
    scrollY: 0,
    selected: -1,
    matches: null,
    cursor: [],
    replay: -1,
    allFlows: true,
    hover: null,
  };
  const s = frameScale(v, 1200);
  const child = m.lanes.findIndex((l) => l.name === 'MainThread' && l.pid === 4243);
  const row = layout.rows[layout.rowOfLane[child]];
  const crunch = m.spans.findIndex((sp) => sp.name === 'crunch');
  const x =
    GUTTER_W + ((m.spans[crunch].start + 1e8 - v.window.start) * (1200 - GUTTER_W)) / (v.window.end - v.window.start);
  const hit = hitTest(v, s, x, RULER_H + row.y + MARKER_H + SPAN_H / 2);
  assert.deepEqual(hit, { type: 'event', ref: { type: 'span', index: crunch } });
  const deeper = hitTest(v, s, x, RULER_H + row.y + MARKER_H + SPAN_H * 1.5);
  assert.equal(deeper.type === 'event' && m.spans[deeper.ref.index].name, 'sum_squares');
  const pe = m.markers.findIndex((k) => k.kind === 'proc_end');
  const px = GUTTER_W + ((m.markers[pe].ts - v.window.start) * (1200 - GUTTER_W)) / (v.window.end - v.window.start);
  assert.deepEqual(hitTest(v, s, px + 2, RULER_H + row.y + MARKER_H / 2), {
    type: 'event',
    ref: { type: 'marker', index: pe },
  });
  assert.equal(hitTest(v, s, 10, RULER_H + row.y + 4).type, 'gutter');
  assert.equal(hitTest(v, s, 500, 5).type, 'none');
});

test('a wait that never ended runs to the end of the run and is marked stuck; finished waits are not', () => {
  const file = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'models', 'deadlock.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof demoModel>;
  const ix = buildModelIndex(m);
  const stuck = [...ix.stuck.keys()]
    .filter((i) => ix.stuck[i] === 1)
    .map((i) => m.markers[i].label)
    .sort();
  assert.deepEqual(stuck, ['join thread "alice"', 'wait for lock_a', 'wait for lock_b']);
  for (let i = 0; i < m.markers.length; i++) {
    if (ix.stuck[i] === 1) assert.equal(ix.waitEnd[i], m.duration);
    else if (m.markers[i].waitEnd !== undefined) assert.equal(ix.waitEnd[i], m.markers[i].waitEnd);
  }
  // Every stuck wait is in its lane's wait index, so it is drawn.
  for (let i = 0; i < m.markers.length; i++)
    if (ix.stuck[i] === 1) assert.ok([...ix.lanes[m.markers[i].lane].waits.ids].includes(i));
});

test('lane colours follow the lane, not its index, and differ among own lanes while the palette lasts', () => {
  const m = demoModel();
  const slots = laneColorSlots(m.lanes, LANE_PALETTE_SIZE);
  const own = m.lanes
    .filter((l) => !l.internal)
    .slice(0, LANE_PALETTE_SIZE)
    .map((l) => slots[l.id]);
  assert.equal(new Set(own).size, own.length, `own lanes share colours: ${own.join()}`);
  // The same lanes after an extra internal lane in front (every index shifts): same colours.
  const extra = { ...m.lanes[0], id: 0, name: 'pydevd helper', internal: true, parent: -1 };
  const shifted = [extra, ...m.lanes.map((l) => ({ ...l, id: l.id + 1, parent: l.parent >= 0 ? l.parent + 1 : -1 }))];
  const again = laneColorSlots(shifted, LANE_PALETTE_SIZE);
  m.lanes.forEach((l) => {
    if (!l.internal) assert.equal(again[l.id + 1], slots[l.id], `${l.name} changed colour`);
  });
});

test('lanes are named after what runs in them, with their process when there are several', () => {
  const file = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'models', 'three_patterns.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as ReturnType<typeof demoModel>;
  const name = lanePathNamer(m);
  const byName = (n: string): number => m.lanes.findIndex((l) => l.name === n);
  assert.equal(laneTitle(m.lanes[byName('Task-2')]), 'task_job() · Task-2');
  const mains = m.lanes.filter((l) => l.name === 'MainThread').map((l) => name(l.id));
  assert.deepEqual(mains, ['MainProcess › MainThread', 'process-A › MainThread', 'process-B › MainThread']);
  assert.equal(name(byName('Task-2')), 'MainProcess › MainThread › task_job() · Task-2');
  // One process: the title alone.
  const one = { ...m, lanes: m.lanes.filter((l) => l.pid === m.lanes[0].pid) };
  assert.equal(lanePathNamer(one)(1), 'MainThread');
});

test("Fit folds the main module's imports and set-up: the activity starts at its first event, not at <module>", () => {
  const ms = 1e6;
  const s = new RawStream(1, 0);
  s.ev(1, 0, 'meta', { python: '3.12.1' }, 0);
  s.ev(1, 0, 'proc_begin', { ppid: 0, name: 'MainProcess', origin: 'main' }, 20_000);
  s.ev(1, 0, 'code', { id: 1, name: '<module>', qualname: '<module>', file: '/p/a.py', line: 1 }, 77 * ms);
  s.ev(1, 0, 'call', [1, 0, 1], 0);
  // `import asyncio` inside <module>: 226 ms without an event, then the program's first task.
  s.ev(1, 0, 'task_create', { obj: 5, name: 'Task-1', coro: 'main', parent: 0 }, 226 * ms);
  s.ev(1, 0, 'print', { stream: 'stdout', text: 'hi' }, 1 * ms);
  s.ev(1, 0, 'return', [1, 0], 1 * ms);
  const m = buildModel(s.events, { title: 'a.py', exitCode: 0 });
  const ix = buildModelIndex(m);
  assert.equal(ix.programStart, 77 * ms + 20_000);
  assert.equal(ix.activityStart, 303 * ms + 20_000);
  assert.equal(foldedStartup(m.duration, ix.activityStart), ix.activityStart);
  // A program with nothing but its module folds start-up only.
  const bare = buildModel(
    s.events.filter((e) => e[5] !== 'task_create' && e[5] !== 'print'),
    { title: 'a.py', exitCode: 0 },
  );
  assert.equal(buildModelIndex(bare).activityStart, 77 * ms + 20_000);
});

test("a thread's start is a wait until the new thread begins; a lane that starts one and computes on is not stuck", () => {
  const s = new RawStream(1);
  s.ev(1, 0, 'proc_begin', { name: 'MainProcess' })
    .ev(1, 0, 'thread_start', { obj: 1, name: 'worker' })
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'worker' }, 8_000_000)
    .ev(2, 0, 'thread_end', { obj: 1 })
    .ev(1, 0, 'thread_start', { obj: 2, name: 'last' }, 1_000_000)
    .ev(3, 0, 'thread_begin', { obj: 2, name: 'last' }, 2_000_000)
    .ev(3, 0, 'thread_end', { obj: 2 }, 50_000_000);
  const m = buildModel(s.events, {});
  const starts = m.markers.filter((x) => x.kind === 'thread_start');
  const begins = m.markers.filter((x) => x.kind === 'thread_begin');
  assert.deepEqual(
    starts.map((x) => x.waitEnd),
    begins.map((x) => x.ts),
  );
  assert.ok(starts[0].waitEnd! - starts[0].ts >= 8_000_000);
  const ix = buildModelIndex(m);
  // The main thread's last event is the second start: it ended when "last" began, not at the end of the run.
  const last = m.markers.indexOf(starts[1]);
  assert.equal(ix.stuck[last], 0);
  assert.equal(ix.waitEnd[last], begins[1].ts);
});

test("a child process's start-up is a labelled band from its begin to its first step; the main process has none", () => {
  const parent = new RawStream(10);
  parent
    .mainProcess()
    .ev(1, 0, 'code', { id: 1, name: 'task1', qualname: 'task1', file: '/p/a.py', line: 3 })
    .ev(1, 0, 'proc_start', { obj: 1, name: 'Process-1', method: 'fork', internal: false })
    .ev(1, 0, 'proc_started', { obj: 1, child_pid: 11 }, 500_000);
  const child = new RawStream(11, parent.ts + 1_000_000);
  child
    .ev(1, 0, 'proc_begin', { ppid: 10, name: 'Process-1', parent_obj: 1, parent_pid: 10, origin: 'multiprocessing' })
    .ev(1, 0, 'code', { id: 1, name: 'task1', qualname: 'task1', file: '/p/a.py', line: 3 }, 0)
    .ev(1, 0, 'call', [1, 0, 3], 120_000_000)
    .ev(1, 0, 'return', [1, 10]);
  const events = [...parent.events, ...child.events].sort((a, b) => a[1] - b[1]);
  const m = buildModel(events, {});
  const [main, begin] = m.markers.filter((x) => x.kind === 'proc_begin');
  assert.equal(main.waitEnd, undefined);
  const call = m.spans.find((s) => s.name === 'task1');
  assert.ok(call);
  assert.equal(begin.waitEnd, call.start);
  assert.equal(WAIT_STYLE[waitState(begin.kind)!].bandLabel, 'process start-up (before its first step)');
  assert.ok(!WAIT_STATES.includes('startup'), 'the band names itself: not in the legend');
  assert.equal(buildModelIndex(m).stuck[m.markers.indexOf(begin)], 0);
});

test('prints are numbered 1…N in the order they happened, the same on the canvas and in the output pane', () => {
  const s = new RawStream(1);
  s.mainProcess()
    .ev(1, 0, 'thread_start', { obj: 1, name: 'worker' })
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'worker' })
    .ev(2, 0, 'print', { stream: 'stdout', text: 'worker says hi' })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'main: one\nmain: two' }, 50_000_000)
    .ev(2, 0, 'print', { stream: 'stdout', text: 'worker done' }, 50_000_000);
  const m = buildModel(s.events, {});
  const n = printNumbers(m);
  const prints = m.markers.map((x, i) => [x, i] as const).filter(([x]) => x.kind === 'print');
  assert.deepEqual(
    prints.map(([x, i]) => [n.byMarker.get(i), x.label]),
    [
      [1, 'print: worker says hi'],
      [2, 'print: main: one\nmain: two'],
      [3, 'print: worker done'],
    ],
  );
  // Each output line finds its print's number by its order.
  assert.deepEqual(
    m.output.map((o) => [n.byOrder.get(o.order), o.text]),
    [
      [1, 'worker says hi'],
      [2, 'main: one\nmain: two'],
      [3, 'worker done'],
    ],
  );
});

test("a big trace's print numbers are those of its objects, also when its first frame drew before they existed", () => {
  // A big 'traceColumns' model is drawn from its columns while its marker objects are still being made:
  // numbers asked for then must not stay as the numbers of the finished model (the canvas and the output
  // pane of every big trace showed no print numbers).
  const s = new RawStream(1);
  s.mainProcess()
    .ev(1, 0, 'thread_start', { obj: 1, name: 'worker' })
    .ev(2, 0, 'thread_begin', { obj: 1, name: 'worker' })
    .ev(2, 0, 'print', { stream: 'stdout', text: 'one' })
    .ev(1, 0, 'print', { stream: 'stdout', text: 'two' }, 50_000_000);
  const built = buildModel(s.events, {});
  const c = encodeTraceColumns(built);
  const d = decodeTraceColumnsDeferred(c.head, c.data);
  assert.equal(d.model.markers.length, 0, 'objects not made yet');
  assert.equal(printNumbers(d.model).byMarker.size, 0);
  // The canvas numbers from the columns: already there in its first frames, and the same numbers after.
  const early = printNumbersOf(d.columns);
  assert.deepEqual([...early.byMarker.values()].sort(), [1, 2], 'the first frames draw every number');
  d.finish();
  assert.deepEqual([...printNumbersOf(columnsOfModel(d.model)).byMarker], [...printNumbers(d.model).byMarker]);
  assert.deepEqual([...early.byMarker], [...printNumbers(d.model).byMarker]);
  const n = printNumbers(d.model);
  const prints = d.model.markers.flatMap((x, i) => (x.kind === 'print' ? [i] : []));
  assert.deepEqual(
    prints.map((i) => n.byMarker.get(i)),
    [1, 2],
  );
  assert.ok(d.model.output.length > 0);
  for (const o of d.model.output) assert.ok(n.byOrder.has(o.order), `no number for output ${JSON.stringify(o.text)}`);
});

test("the canvas numbers a big trace's prints without a Map entry per print, in their order also when the markers are not", () => {
  // The first frame of a big model numbers every print: two Map entries each cost that frame ~10 ms at 100k
  // events, so the canvas reads a typed array, and the Maps are made only when asked for.
  const PRINT = MARKER_KINDS.indexOf('print');
  const n = 9000;
  const markerKind = new Int32Array(n).fill(PRINT === 0 ? 1 : 0);
  const markerOrder = new Int32Array(n);
  // Prints on every third marker, their orders running backwards with a tie (kept in marker order).
  for (let i = 0; i < n; i++) markerOrder[i] = 2 * (n - i);
  for (let i = 0; i < n; i += 3) markerKind[i] = PRINT;
  markerOrder[3] = markerOrder[0];
  const sets = { count: 0 };
  const set = Object.getOwnPropertyDescriptor(Map.prototype, 'set') as PropertyDescriptor;
  Map.prototype.set = function (this: Map<unknown, unknown>, k: unknown, v: unknown) {
    sets.count++;
    return Reflect.apply<Map<unknown, unknown>, [unknown, unknown], Map<unknown, unknown>>(
      set.value as Map<unknown, unknown>['set'],
      this,
      [k, v],
    );
  };
  let nums;
  try {
    nums = printNumbersOf({ markerKind, markerOrder });
  } finally {
    Object.defineProperty(Map.prototype, 'set', set);
  }
  assert.equal(sets.count, 0, 'no Map entries made for the canvas');
  const prints = n / 3;
  assert.equal(nums.ofMarker[n - 3], 1, 'the last marker has the lowest order: print 1');
  assert.equal(nums.ofMarker[0], prints - 1, 'a tie keeps marker order');
  assert.equal(nums.ofMarker[3], prints);
  assert.equal(nums.ofMarker[1], 0, 'not a print');
  assert.deepEqual(new Set(nums.ofMarker.filter((x) => x > 0)).size, prints);
  assert.equal(nums.byMarker.get(n - 3), 1);
  assert.equal(nums.byOrder.get(markerOrder[n - 3]), 1);
});

test('prints under one glyph read as a range only when they are all of it: "3–7", "2, 4", "3…9"', () => {
  assert.equal(numberRange(3, 7, 5), '3–7');
  assert.equal(numberRange(2, 4, 2), '2, 4', 'two prints with another lane’s print between them');
  assert.equal(numberRange(3, 9, 4), '3…9', 'four of seven numbers: not a range');
  assert.equal(numberRange(5, 6, 2), '5–6');
});
