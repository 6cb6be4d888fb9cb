/**
 * The run limits: default and allowed range of each, in one place. The extension's settings
 * (package.json `contributes.configuration`, read by host/settings.ts), the CLI and the tracer's own
 * fallbacks (src/tracer/concurrency_lab_tracer/__init__.py) follow it; test/unit/limitDefaults.test.ts
 * fails when any of them disagrees.
 */
export interface Limit {
  default: number;
  min: number;
  max: number;
}

export const RUN_LIMITS = {
  /** Seconds before the whole process tree is stopped. */
  timeoutSeconds: { default: 30, min: 1, max: 3600 },
  /** Events recorded per process before the tracer only counts (0 = unlimited). */
  eventCap: { default: 200_000, min: 0, max: 1e9 },
  /** Calls recorded per function before later calls run untraced (0 = unlimited). */
  callBudget: { default: 2000, min: 0, max: 1e9 },
  /** Megabytes of stdout and stderr together before the run is stopped. */
  outputCapMB: { default: 10, min: 1, max: 1024 },
} as const satisfies Record<string, Limit>;

/** `v` within the limit's range, or its default when `v` is not a finite number. */
export function clampLimit(limit: Limit, v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(limit.max, Math.max(limit.min, v)) : limit.default;
}
