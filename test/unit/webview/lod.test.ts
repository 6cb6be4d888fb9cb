import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  buildIntervalIndex,
  buildPointIndex,
  lowerBound,
  lowerBoundFrom,
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

test('lowerBoundFrom (galloping from a position) agrees with lowerBound from there', () => {
  // Sorted arrays with runs of equal values and gaps; every start position and probe value.
  const arrays = [[], [5], [1, 1, 1], [0, 2, 2, 4, 8, 8, 8, 9, 20, 21, 22, 40]];
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  arrays.push(Array.from({ length: 300 }, () => Math.floor(rnd() * 100)).sort((a, b) => a - b));
  for (const a of arrays)
    for (let from = 0; from <= a.length; from++)
      for (let v = -1; v <= 101; v++) assert.equal(lowerBoundFrom(a, v, from), lowerBound(a, v, from), `${v} ${from}`);
});

test('interval index sorts by start and keeps a running max end', () => {
  const starts = [50, 10, 30];
  const ends = [60, 100, 40];
  const ix = buildIntervalIndex(Int32Array.of(0, 1, 2), starts, ends);
  assert.deepEqual(Array.from(ix.ids), [1, 2, 0]);
  assert.deepEqual(Array.from(ix.maxEnd), [100, 100, 100]);
});

test('wide intervals are visited one by one, only when visible', () => {
  const s = [0, 100, 200, 300];
  const ix = buildIntervalIndex(
    Int32Array.of(0, 1, 2, 3),
    s,
    s.map((x) => x + 50),
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(120, 260, 140), (r) => runs.push({ ...r }));
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
    Float64Array.from({ length: n }, (_, i) => i * 10),
    Float64Array.from({ length: n }, (_, i) => i * 10 + 4),
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(0, n * 10, 1000), (r) => runs.push({ ...r }));
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
    Int32Array.from(iv, (_, i) => i),
    iv.map((x) => x[0]),
    iv.map((x) => x[1]),
  );
  const runs: IntervalRun[] = [];
  visitIntervals(ix, scale(0, 30000, 300), (r) => runs.push({ ...r })); // 100 ns per pixel
  assert.deepEqual(
    runs.map((r) => r.count),
    [100, 1, 100],
  );
  assert.equal(runs[1].x0, 50);
  assert.equal(runs[1].x1, 90);
});

test('intervals narrower than the minimum drawn width merge with neighbours closer than it', () => {
  // 1.5 px wide, 1 px apart at 1 ns per pixel: separate runs at 1 px; one run when drawn at least 2 px wide.
  const iv: [number, number][] = [];
  for (let t = 0; t < 50; t += 2.5) iv.push([t, t + 1.5]);
  iv.push([100, 110]);
  const ix = buildIntervalIndex(
    Int32Array.from(iv, (_, i) => i),
    iv.map((x) => x[0]),
    iv.map((x) => x[1]),
  );
  const at = (minPx: number): number[] => {
    const counts: number[] = [];
    visitIntervals(ix, scale(0, 200, 200), (r) => counts.push(r.count), minPx);
    return counts;
  };
  assert.deepEqual(at(1), [...iv.map(() => 1)]);
  assert.deepEqual(at(2), [20, 1]);
});

test('points merge into buckets by pixel distance and count what they hold', () => {
  const ts = [0, 1, 2, 500, 1000];
  const ix = buildPointIndex(Int32Array.of(0, 1, 2, 3, 4), ts);
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
    Float64Array.from({ length: n }, (_, i) => i),
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

test('a walk hands its visitor one object, filled anew, not one per run or bucket (a frame visits thousands)', () => {
  const n = 5000;
  const ix = buildIntervalIndex(
    Int32Array.from({ length: n }, (_, i) => i),
    Float64Array.from({ length: n }, (_, i) => i * 40),
    Float64Array.from({ length: n }, (_, i) => i * 40 + 25),
  );
  const runs = new Set<IntervalRun>();
  let visits = 0;
  let covered = 0;
  // 2.5 px wide, 4 px apart: each its own run.
  visitIntervals(ix, scale(0, n * 40, n * 4), (r) => {
    runs.add(r);
    visits++;
    covered += r.count;
  });
  assert.ok(visits > 1000, `visits=${visits}`);
  assert.equal(covered, n);
  assert.equal(runs.size, 1, `${runs.size} run objects for ${visits} runs`);
  const points = buildPointIndex(
    Int32Array.from({ length: n }, (_, i) => i),
    Float64Array.from({ length: n }, (_, i) => i * 40),
  );
  const buckets = new Set<object>();
  let bucketVisits = 0;
  visitPoints(points, scale(0, n * 40, n * 4), 3, (b) => {
    buckets.add(b);
    bucketVisits++;
  });
  assert.equal(bucketVisits, n);
  assert.equal(buckets.size, 1, `${buckets.size} bucket objects for ${bucketVisits} buckets`);
});
