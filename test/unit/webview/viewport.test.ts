import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  MIN_SPAN_NS,
  STARTUP_BLOCK_SHARE,
  clampWindow,
  fitWindow,
  foldedStartup,
  isFitted,
  panWindow,
  programWindow,
  revealTime,
  zoomWindow,
} from '../../../src/webview/viewport';

test('zoom keeps the anchored time in place', () => {
  const limit = fitWindow(1e9);
  const w = zoomWindow(limit, 2, 0.25, limit);
  const before = limit.start + (limit.end - limit.start) * 0.25;
  const after = w.start + (w.end - w.start) * 0.25;
  assert.ok(Math.abs(before - after) < 1e-3);
  assert.ok(Math.abs((w.end - w.start) * 2 - (limit.end - limit.start)) < 1e-3);
});

test('zoom stops at the minimum span and at the whole run', () => {
  const limit = fitWindow(1e9);
  let w = limit;
  for (let i = 0; i < 100; i++) w = zoomWindow(w, 10, 0.5, limit);
  assert.equal(w.end - w.start, MIN_SPAN_NS);
  for (let i = 0; i < 100; i++) w = zoomWindow(w, 0.1, 0.5, limit);
  assert.deepEqual(w, limit);
  assert.ok(isFitted(w, 1e9));
});

test('pan is clamped to the run', () => {
  const limit = fitWindow(1e9);
  const w = zoomWindow(limit, 4, 0.5, limit);
  const far = panWindow(w, 100, limit);
  assert.equal(far.end, limit.end);
  assert.ok(Math.abs(far.end - far.start - (w.end - w.start)) < 1e-3);
  const back = panWindow(w, -100, limit);
  assert.equal(back.start, limit.start);
  assert.deepEqual(clampWindow({ start: -1e12, end: 1e12 }, limit), limit);
});

test('revealTime recentres only when the time is near an edge or outside', () => {
  const limit = fitWindow(1e9);
  const w = { start: 4e8, end: 5e8 };
  assert.deepEqual(revealTime(w, 4.5e8, limit), w);
  const moved = revealTime(w, 8e8, limit);
  assert.equal(moved.start + (moved.end - moved.start) / 2, 8e8);
});

test('a long start-up is folded: Fit shows the program with the start-up as a narrow block on the left', () => {
  const ms = 1e6;
  // 54 ms of start-up and imports before a 17 ms program (the seed's thread example).
  const startup = foldedStartup(72 * ms, 54 * ms);
  assert.equal(startup, 54 * ms);
  const w = programWindow(72 * ms, startup);
  const share = (startup - w.start) / (w.end - w.start);
  assert.ok(Math.abs(share - STARTUP_BLOCK_SHARE) < 1e-9, `start-up takes ${share} of the view`);
  assert.ok(w.end >= 72 * ms);
  assert.ok(isFitted(w, 72 * ms, startup));
  assert.ok(!isFitted(fitWindow(72 * ms), 72 * ms, startup));
});

test('a short start-up, or a program with no code of its own, is not folded', () => {
  const ms = 1e6;
  assert.equal(foldedStartup(1000 * ms, 20 * ms), 0);
  assert.equal(foldedStartup(1000 * ms, Infinity), 0);
  assert.deepEqual(programWindow(1000 * ms, 0), fitWindow(1000 * ms));
});

test('Fit keeps the air after the last event a share of what it shows, not of the whole run', () => {
  const ms = 1e6;
  // 300 ms of start-up and imports, then 2 ms of program: the activity must fill the view, not 2% of 302 ms of air.
  const w = programWindow(302 * ms, 300 * ms);
  const shown = (302 * ms - 300 * ms) / (w.end - w.start);
  assert.ok(shown > 0.85, `the program takes only ${shown} of the view`);
  assert.ok(w.end >= 302 * ms);
});
