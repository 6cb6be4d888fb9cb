import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  buildIntervalIndex,
  buildPointIndex,
  lowerBound,
  upperBound,
  visitIntervals,
  visitPoints,
  type IntervalRun,
  type Scale,
} from '../../../src/webview/lod';

const scale = (t0: number, t1: number, width: number): Scale => ({ t0, t1, k: width / (t1 - t0), x0: 0 });

test('lowerBound/upperBound find insertion points', () => {
  const a = [1, 3, 3, 3, 7];
  assert.equal(lowerBound(a, 3), 1);
  assert.equal(upperBound(a, 3), 4);
  assert.equal(lowerBound(a, 0), 0);
  assert.equal(lowerBound(a, 8), 5);
  assert.equal(upperBound(a, 7), 5);
});

test('interval index sorts by start and keeps a running max end', () => {
  const starts = [50, 10, 30];
  const ends = [60, 100, 40];
  const ix = buildIntervalIndex(
    [0, 1, 2],
    (i) => starts[i],
    (i) => ends[i],
  );
  assert.deepEqual(Array.from(ix.ids), [1, 2, 0]);
  assert.deepEqual(Array.from(ix.maxEnd), [100, 100, 100]);
});

test('wide intervals are visited one by one, only when visible', () => {
  const s = [0, 100, 200, 300];
  const ix = buildIntervalIndex(
    [0, 1, 2, 3],
    (i) => s[i],
    (i) => s[i] + 50,
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(120, 260, 140), (r) => runs.push(r));
  assert.deepEqual(
    runs.map((r) => [r.first, r.count]),
    [
      [1, 1],
      [2, 1],
    ],
  );
});

test('a million sub-pixel intervals collapse to about one run per column, with few visits', () => {
  const n = 1_000_000;
  const ix = buildIntervalIndex(
    Int32Array.from({ length: n }, (_, i) => i),
    (i) => i * 10,
    (i) => i * 10 + 4,
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(0, n * 10, 1000), (r) => runs.push(r));
  // Gaps of 6 ns are far below a pixel (10,000 ns): the whole lane is one busy block.
  assert.ok(runs.length <= 2, `runs=${runs.length}`);
  assert.equal(
    runs.reduce((a, r) => a + r.count, 0),
    n,
  );
});

test('sub-pixel blocks stop at real gaps and before a wide interval', () => {
  // Dense burst 0..1000 (sub-pixel at this zoom), a visible gap, a wide interval, another burst.
  const iv: [number, number][] = [];
  for (let t = 0; t < 1000; t += 10) iv.push([t, t + 5]);
  iv.push([5000, 9000]);
  for (let t = 20000; t < 21000; t += 10) iv.push([t, t + 5]);
  const ix = buildIntervalIndex(
    iv.map((_, i) => i),
    (i) => iv[i][0],
    (i) => iv[i][1],
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(0, 30000, 300), (r) => runs.push(r)); // 100 ns per pixel
  assert.deepEqual(
    runs.map((r) => r.count),
    [100, 1, 100],
  );
  assert.equal(runs[1].x0, 50);
  assert.equal(runs[1].x1, 90);
});

test('points merge into buckets by pixel distance and count what they hold', () => {
  const ts = [0, 1, 2, 500, 1000];
  const ix = buildPointIndex([0, 1, 2, 3, 4], (i) => ts[i]);
  const buckets: [number, number][] = [];
  visitPoints(ix, scale(0, 1000, 100), 3, (b) => buckets.push([b.first, b.count]));
  assert.deepEqual(buckets, [
    [0, 3],
    [3, 1],
    [4, 1],
  ]);
});

test('point visits are bounded by the width, not the number of points', () => {
  const n = 1_000_000;
  const ix = buildPointIndex(
    Int32Array.from({ length: n }, (_, i) => i),
    (i) => i,
  );
  let visits = 0;
  let total = 0;
  visitPoints(ix, scale(0, n, 1200), 3, (b) => {
    visits++;
    total += b.count;
  });
  assert.ok(visits <= 401, `visits=${visits}`);
  assert.equal(total, n);
});
