import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { MIN_SPAN_NS, clampWindow, fitWindow, isFitted, panWindow, revealTime, zoomWindow } from '../../../src/webview/viewport';

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
