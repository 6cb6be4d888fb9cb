/**
 * Defensive accessors for the `data` field of raw events. The stream comes from a program we do not
 * trust, so every field is checked and a wrong type reads as "absent" instead of throwing.
 */

export type Data = Record<string, unknown>;

const EMPTY: Data = Object.freeze({});
/** Longest text we keep from the stream in labels and details (output lines keep more). */
export const MAX_TEXT = 500;

export function asData(v: unknown): Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Data) : EMPTY;
}

export function str(d: Data, k: string, fallback = ''): string {
  const v = d[k];
  return typeof v === 'string' ? v : fallback;
}

export function num(d: Data, k: string): number | undefined {
  const v = d[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(d: Data, k: string): boolean | undefined {
  const v = d[k];
  return typeof v === 'boolean' ? v : undefined;
}

/** Element i of a hot-path array payload ([codeId, cpuNs, …]) as a number, or undefined. */
export function at(v: unknown, i: number): number | undefined {
  if (!Array.isArray(v)) return undefined;
  const x: unknown = v[i];
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

export function clip(s: string, max = MAX_TEXT): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "850 ns", "12.3 µs", "3.10 ms", "2.500 s" */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  if (a < 1_000) return `${Math.round(ns)} ns`;
  if (a < 1_000_000) return `${(ns / 1_000).toFixed(1)} µs`;
  if (a < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1_000_000_000).toFixed(3)} s`;
}
