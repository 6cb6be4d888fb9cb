import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventMatches, filterSteps, laneSubtree, NO_FILTER, stepsOnLine } from '../../../src/webview/filter';
import { hitTest } from '../../../src/webview/hitTest';
import { laneDepths, buildModelIndex, stepAtOrder } from '../../../src/webview/modelIndex';
import { layoutLanes, MARKER_H, RULER_H, SPAN_H } from '../../../src/webview/layout';
import { markerCategory, markerStyle } from '../../../src/webview/markerStyle';
import { fitWindow } from '../../../src/webview/viewport';
import { GUTTER_W, type ViewState } from '../../../src/webview/viewState';
import { frameScale } from '../../../src/webview/renderer';
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
  assert.equal(ix.lanes[worker].spans.length, 2);
});

test('filters match text, lane names, lanes with their children, and kinds', () => {
  const m = demoModel();
  assert.equal(filterSteps(m, NO_FILTER).length, m.steps.length);
  const byText = filterSteps(m, { text: 'LOCK #1', lane: -1, kind: '' });
  assert.ok(byText.length >= 5);
  for (const i of byText) assert.match(m.steps[i].text, /lock #1/i);
  const locks = filterSteps(m, { text: '', lane: -1, kind: 'lock' });
  assert.deepEqual(Array.from(locks), Array.from(byText).filter((i) => m.steps[i].ref.type === 'marker'));
  const calls = filterSteps(m, { text: '', lane: -1, kind: 'call' });
  assert.equal(calls.length, m.spans.length);
  const main = m.lanes.findIndex((l) => l.name === 'MainThread');
  const sub = laneSubtree(m, main);
  assert.ok(sub.has(main) && sub.size === 4, `subtree ${[...sub].join()}`);
  const inMain = filterSteps(m, { text: '', lane: main, kind: '' }, sub);
  for (const i of inMain) assert.ok(sub.has(m.steps[i].lane));
  const flags = eventMatches(m, locks);
  assert.equal(flags.markers.reduce((a, b) => a + b, 0), locks.length);
  assert.deepEqual(stepsOnLine(m, 0, 25).map((i) => m.steps[i].line), stepsOnLine(m, 0, 25).map(() => 25));
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
  const layout = layoutLanes(m.lanes, laneDepths(index), { collapsed: new Set(), internalShown: new Set(), showAllInternal: false, laneFilter: -1 });
  const v: ViewState = { model: m, index, layout, window: fitWindow(m.duration), scrollY: 0, selected: -1, matches: null, cursor: [], replay: -1, showFlows: true, hover: null };
  const s = frameScale(v, 1200);
  const child = m.lanes.findIndex((l) => l.name === 'MainThread' && l.pid === 4243);
  const row = layout.rows[layout.rowOfLane[child]];
  const crunch = m.spans.findIndex((sp) => sp.name === 'crunch');
  const x = GUTTER_W + ((m.spans[crunch].start + 1e8 - v.window.start) * (1200 - GUTTER_W)) / (v.window.end - v.window.start);
  const hit = hitTest(v, s, x, RULER_H + row.y + MARKER_H + SPAN_H / 2);
  assert.deepEqual(hit, { type: 'event', ref: { type: 'span', index: crunch } });
  const deeper = hitTest(v, s, x, RULER_H + row.y + MARKER_H + SPAN_H * 1.5);
  assert.equal(deeper.type === 'event' && m.spans[deeper.ref.index].name, 'sum_squares');
  const pe = m.markers.findIndex((k) => k.kind === 'proc_end');
  const px = GUTTER_W + ((m.markers[pe].ts - v.window.start) * (1200 - GUTTER_W)) / (v.window.end - v.window.start);
  assert.deepEqual(hitTest(v, s, px + 2, RULER_H + row.y + MARKER_H / 2), { type: 'event', ref: { type: 'marker', index: pe } });
  assert.equal(hitTest(v, s, 10, RULER_H + row.y + 4).type, 'gutter');
  assert.equal(hitTest(v, s, 500, 5).type, 'none');
});
