/**
 * Level of detail over time-sorted typed arrays. Each query costs O(drawn × log n), never O(n):
 * when many events fall in one pixel column they are reported once, as an aggregate, so a
 * 1M-event lane zoomed out draws at most one thing per column.
 */

/** First index i with arr[i] >= v (arr ascending); arr.length if none. */
export function lowerBound(arr: ArrayLike<number>, v: number, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with arr[i] > v (arr ascending); arr.length if none. */
export function upperBound(arr: ArrayLike<number>, v: number, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * lowerBound(arr, v, from) for a v usually just past `from`: gallops 1, 2, 4… ahead, then bisects
 * that stretch. The level-of-detail walks step from column to column with it, so a step costs
 * O(log distance) instead of O(log n).
 */
export function lowerBoundFrom(arr: ArrayLike<number>, v: number, from: number): number {
  const n = arr.length;
  if (from >= n || arr[from] >= v) return from;
  let lo = from;
  let step = 1;
  while (lo + step < n && arr[lo + step] < v) {
    lo += step;
    step *= 2;
  }
  return lowerBound(arr, v, lo + 1, Math.min(n, lo + step));
}

/** Intervals sorted by start; `maxEnd[i]` = max(ends[0..i]) so "first interval that may reach t" is a binary search. */
export interface IntervalIndex {
  starts: Float64Array;
  ends: Float64Array;
  maxEnd: Float64Array;
  /** Index of each interval in the model's array. */
  ids: Int32Array;
}

/**
 * `start[id]` and `end[id]` are the model's columns (read directly, not through accessor callbacks:
 * this runs before the first frame in code not yet optimised, once per lane and row).
 */
export function buildIntervalIndex(ids: Int32Array, start: ArrayLike<number>, end: ArrayLike<number>): IntervalIndex {
  const n = ids.length;
  const order = ids.slice();
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = start[order[i - 1]] <= start[order[i]];
  if (!sorted) order.sort((a, b) => start[a] - start[b] || a - b);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const maxEnd = new Float64Array(n);
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const id = order[i];
    const s = start[id];
    const e = end[id];
    starts[i] = s;
    ends[i] = e > s ? e : s;
    if (ends[i] > m) m = ends[i];
    maxEnd[i] = m;
  }
  return { starts, ends, maxEnd, ids: order };
}

/** Points sorted by time. */
export interface PointIndex {
  ts: Float64Array;
  ids: Int32Array;
}

/** `time[id]` is the model's column (see buildIntervalIndex). */
export function buildPointIndex(ids: Int32Array, time: ArrayLike<number>): PointIndex {
  const n = ids.length;
  const order = ids.slice();
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = time[order[i - 1]] <= time[order[i]];
  if (!sorted) order.sort((a, b) => time[a] - time[b] || a - b);
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) ts[i] = time[order[i]];
  return { ts, ids: order };
}

/** Maps time to pixels for one frame. */
export interface Scale {
  t0: number;
  t1: number;
  /** Pixels per nanosecond. */
  k: number;
  /** x of t0. */
  x0: number;
}

export function toX(s: Scale, t: number): number {
  return s.x0 + (t - s.t0) * s.k;
}

export function toTime(s: Scale, x: number): number {
  return s.t0 + (x - s.x0) / s.k;
}

/** A drawn run of one interval, or of several merged into whole pixel columns (`count` > 1). */
export interface IntervalRun {
  /** Position in the index of the first interval of the run. */
  first: number;
  count: number;
  x0: number;
  x1: number;
}

/**
 * Visits the intervals visible in [s.t0, s.t1]. Intervals narrower than `minPx` pixels (what the
 * caller draws them at least as wide as) that follow each other closer than that are merged into one
 * run; the walk then jumps by binary search to the next column.
 *
 * `run` is one object per walk, filled anew for each visit (valid during the call only): a frame visits
 * thousands of runs, and an object each made the frames' garbage (and their collections).
 */
export function visitIntervals(ix: IntervalIndex, s: Scale, visit: (run: IntervalRun) => void, minPx = 1): void {
  const n = ix.starts.length;
  const run: IntervalRun = { first: 0, count: 0, x0: 0, x1: 0 };
  const emit = (first: number, count: number, x0: number, x1: number): void => {
    run.first = first;
    run.count = count;
    run.x0 = x0;
    run.x1 = x1;
    visit(run);
  };
  let i = lowerBound(ix.maxEnd, s.t0);
  while (i < n) {
    const start = ix.starts[i];
    if (start > s.t1) break;
    if (ix.ends[i] < s.t0) {
      i++;
      continue;
    }
    const x0 = toX(s, start);
    let x1 = toX(s, ix.ends[i]);
    if (x1 - x0 >= minPx) {
      emit(i, 1, x0, x1);
      i++;
      continue;
    }
    // Narrow: merge it with what follows while the gaps stay under minPx and the members stay
    // narrower than that. Each step jumps by binary search, so a dense lane costs O(width · log n).
    const first = i;
    x1 = Math.max(x1, x0 + minPx);
    let j = i + 1;
    for (;;) {
      const next = lowerBoundFrom(ix.starts, toTime(s, x1 + minPx), j);
      if (next <= j) break;
      if (toX(s, ix.ends[next - 1]) - toX(s, ix.starts[next - 1]) >= minPx) {
        // A wide interval ends the block; the narrow ones before it still join.
        if (next - 1 > j) x1 = Math.max(x1, toX(s, ix.ends[next - 2]));
        j = next - 1;
        break;
      }
      x1 = Math.max(x1, toX(s, ix.ends[next - 1]));
      j = next;
    }
    emit(first, j - first, Math.floor(x0), x1);
    i = j;
  }
}

/** A group of points drawn as one glyph: `count` > 1 is an aggregate bucket. */
export interface PointBucket {
  first: number;
  count: number;
  x: number;
}

/**
 * Visits the points in [s.t0, s.t1], merging those closer than `bucketPx` into one bucket. `b` is one
 * object per walk, filled anew for each visit (valid during the call only), as in visitIntervals.
 */
export function visitPoints(ix: PointIndex, s: Scale, bucketPx: number, visit: (b: PointBucket) => void): void {
  const n = ix.ts.length;
  const b: PointBucket = { first: 0, count: 0, x: 0 };
  let i = lowerBound(ix.ts, s.t0);
  while (i < n && ix.ts[i] <= s.t1) {
    const x = toX(s, ix.ts[i]);
    const next = lowerBoundFrom(ix.ts, toTime(s, x + bucketPx), i + 1);
    b.first = i;
    b.count = next - i;
    b.x = x;
    visit(b);
    i = next;
  }
}
