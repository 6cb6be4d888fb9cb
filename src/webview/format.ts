/** Human text for times and sizes shown in the timeline. Pure: unit-tested without a DOM. */

const UNITS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
];

/** Duration in nanoseconds → "1.25 ms", "830 µs", "12 ns". Three significant digits. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const sign = ns < 0 ? '-' : '';
  const a = Math.abs(ns);
  for (const [scale, unit] of UNITS) {
    if (a >= scale) return `${sign}${trimNumber(a / scale)} ${unit}`;
  }
  return `${sign}${Math.round(a)} ns`;
}

function trimNumber(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return v.toFixed(2).replace(/\.?0+$/, '');
}

/**
 * A ruler tick's time with as many decimals as its step needs, so neighbouring ticks never read the same
 * ("303.1 ms", "303.2 ms" where formatDuration would say "303 ms" twice).
 */
export function formatTick(ns: number, step: number): string {
  if (ns === 0) return '0';
  const a = Math.abs(ns);
  const [scale, unit] = UNITS.find(([sc]) => a >= sc) ?? [1, 'ns'];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / scale) + 1e-9)));
  return `${ns < 0 ? '-' : ''}${(a / scale).toFixed(decimals)} ${unit}`;
}

/** A time since the run started, for the step list and the ruler: "+12.5 ms". */
export function formatOffset(ns: number): string {
  return ns === 0 ? '0' : `+${formatDuration(ns)}`;
}

/** 0.42 → "42%"; unknown (negative) → "—". */
export function formatPercent(fraction: number): string {
  if (!(fraction >= 0) || !Number.isFinite(fraction)) return '—';
  const p = Math.min(1, fraction) * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** On-CPU share of a span (its cpu over its wall time), clamped to 0..1, or -1 when unknown. */
export function cpuFraction(cpu: number, start: number, end: number): number {
  if (cpu < 0) return -1;
  const wall = end - start;
  if (wall <= 0) return cpu > 0 ? 1 : 0;
  return Math.max(0, Math.min(1, cpu / wall));
}

/**
 * Ruler ticks: a 1/2/5 × 10^k step so labels are at least `minPx` apart.
 * Returns the step (ns) and the first tick at or after `start`.
 */
export function niceTicks(start: number, end: number, widthPx: number, minPx = 90): { step: number; first: number } {
  const span = Math.max(end - start, 1e-9);
  const raw = (span * minPx) / Math.max(widthPx, 1);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = pow;
  for (const m of [1, 2, 5, 10]) {
    step = m * pow;
    if (step >= raw) break;
  }
  return { step, first: Math.ceil(start / step) * step };
}

/** Thousands separators without locale surprises: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
