import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  cpuFraction,
  formatCount,
  formatDuration,
  formatOffset,
  formatPercent,
  formatTick,
  niceTicks,
} from '../../../src/webview/format';

test('durations use three significant digits and the right unit', () => {
  assert.equal(formatDuration(12), '12 ns');
  assert.equal(formatDuration(1500), '1.5 µs');
  assert.equal(formatDuration(1_250_000), '1.25 ms');
  assert.equal(formatDuration(42_300_000), '42.3 ms');
  assert.equal(formatDuration(999_000_000), '999 ms');
  assert.equal(formatDuration(2e9), '2 s');
  assert.equal(formatDuration(-3e6), '-3 ms');
  assert.equal(formatDuration(NaN), '—');
  assert.equal(formatOffset(0), '0');
  assert.equal(formatOffset(5e6), '+5 ms');
});

test('cpu fraction is clamped and unknown stays unknown', () => {
  assert.equal(cpuFraction(50, 0, 100), 0.5);
  assert.equal(cpuFraction(150, 0, 100), 1);
  assert.equal(cpuFraction(-1, 0, 100), -1);
  assert.equal(formatPercent(0.984), '98%');
  assert.equal(formatPercent(0.052), '5.2%');
  assert.equal(formatPercent(-1), '—');
});

test('ruler ticks step by 1/2/5 and keep labels apart', () => {
  const { step, first } = niceTicks(0, 1e9, 1000, 90);
  assert.equal(step, 1e8);
  assert.equal(first, 0);
  const t = niceTicks(123, 1e6, 500, 90);
  assert.ok([1, 2, 5].includes(t.step / Math.pow(10, Math.floor(Math.log10(t.step)))));
  assert.ok((t.step * 500) / 1e6 >= 90);
  assert.ok(t.first >= 123 && t.first - t.step < 123);
});

test('counts get separators', () => {
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(12), '12');
});

test('ruler ticks far from zero keep the decimals their step needs, so no two read the same', () => {
  const ms = 1e6;
  const { step, first } = niceTicks(303 * ms, 304 * ms, 1200);
  const labels = [0, 1, 2, 3].map((k) => formatTick(first + k * step, step));
  assert.equal(new Set(labels).size, 4, labels.join(', '));
  assert.equal(formatTick(303.1 * ms, 0.1 * ms), '303.1 ms');
  assert.equal(formatTick(80 * ms, 10 * ms), '80 ms');
  assert.equal(formatTick(2.5e9, 0.5e9), '2.5 s');
  assert.equal(formatTick(0, 1000), '0');
});
