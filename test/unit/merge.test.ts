import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mergeStreams } from '../../src/trace/merge';
import type { RawEvent } from '../../src/trace/schema';

const e = (seq: number, ts: number, pid: number): RawEvent => [seq, ts, pid, 1, 0, 'sleep', { secs: 0 }];

void test('streams interleave by ts, then pid, then seq', () => {
  const a = [e(0, 10, 2), e(1, 30, 2), e(2, 30, 2)];
  const b = [e(0, 20, 1), e(1, 30, 1), e(2, 40, 1)];
  const m = mergeStreams([a, b]);
  assert.deepEqual(
    m.map((x) => [x[2], x[0]]),
    [
      [2, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
    ],
  );
});

void test('inside a process seq order wins over a ts that went backwards', () => {
  const a = [e(0, 10, 1), e(1, 50, 1), e(2, 40, 1)];
  const b = [e(0, 45, 2)];
  const m = mergeStreams([a, b]);
  assert.deepEqual(
    m.map((x) => [x[2], x[0]]),
    [
      [1, 0],
      [2, 0],
      [1, 1],
      [1, 2],
    ],
  );
});

void test('a stream out of seq order is sorted by seq first', () => {
  const m = mergeStreams([[e(2, 30, 1), e(0, 10, 1), e(1, 20, 1)]]);
  assert.deepEqual(
    m.map((x) => x[0]),
    [0, 1, 2],
  );
});

void test('many processes merge into a globally sorted stream with nothing lost', () => {
  const streams: RawEvent[][] = [];
  let total = 0;
  for (let p = 0; p < 300; p++) {
    const s: RawEvent[] = [];
    let ts = p;
    for (let i = 0; i < 50 + (p % 7); i++) s.push(e(i, (ts += 1 + ((i * 7919 + p) % 13)), 1000 + p));
    total += s.length;
    streams.push(s);
  }
  const m = mergeStreams(streams);
  assert.equal(m.length, total);
  for (let i = 1; i < m.length; i++) {
    const [x, y] = [m[i - 1], m[i]];
    assert.ok(
      x[1] < y[1] || (x[1] === y[1] && (x[2] < y[2] || (x[2] === y[2] && x[0] < y[0]))),
      `order broken at ${i}`,
    );
  }
});

void test('empty input merges to an empty stream', () => {
  assert.deepEqual(mergeStreams([]), []);
  assert.deepEqual(mergeStreams([[], []]), []);
});
