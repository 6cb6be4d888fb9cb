/** The visible time window and its zoom/pan arithmetic. Pure. */

/** Never zoom in past 20 ns across the whole view: nothing in a trace is finer. */
export const MIN_SPAN_NS = 20;

export interface TimeWindow {
  start: number;
  end: number;
}

/** The whole run with a little air on both sides so first and last markers are not cut in half. */
export function fitWindow(duration: number): TimeWindow {
  const d = Math.max(duration, 1000);
  const pad = d * 0.02;
  return { start: -pad, end: d + pad };
}

/**
 * Interpreter start-up and imports run before the program's first line; when they take more than this
 * share of the run, the first view starts at the program and folds them into one narrow block.
 */
export const STARTUP_FOLD_SHARE = 0.08;
/** Share of the view the folded start-up block takes on the left. */
export const STARTUP_BLOCK_SHARE = 0.07;

/** Where the first view starts: the program's first event, or 0 when start-up is too short to fold. */
export function foldedStartup(duration: number, programStart: number): number {
  return Number.isFinite(programStart) &&
    programStart > STARTUP_FOLD_SHARE * Math.max(duration, 1000) &&
    programStart < duration
    ? programStart
    : 0;
}

/** What Fit shows: the program's activity, with the folded start-up as a narrow block on its left. */
export function programWindow(duration: number, startup: number): TimeWindow {
  const full = fitWindow(duration);
  if (startup <= 0) return full;
  // The air after the last event is a share of what is shown, not of the whole run.
  const end = Math.min(full.end, duration + (duration - startup) * 0.02 + 500);
  const span = (end - startup) / (1 - STARTUP_BLOCK_SHARE);
  return { start: Math.max(full.start, end - span), end };
}

/** Zoom by `factor` (>1 zooms in) keeping the time under `anchor` (0..1 across the view) in place. */
export function zoomWindow(w: TimeWindow, factor: number, anchor: number, limit: TimeWindow): TimeWindow {
  const span = w.end - w.start;
  const maxSpan = limit.end - limit.start;
  const next = Math.min(maxSpan, Math.max(MIN_SPAN_NS, span / factor));
  const at = w.start + span * anchor;
  return clampWindow({ start: at - next * anchor, end: at - next * anchor + next }, limit);
}

/** Pan by a fraction of the view width (positive moves later in time). */
export function panWindow(w: TimeWindow, fraction: number, limit: TimeWindow): TimeWindow {
  const d = (w.end - w.start) * fraction;
  return clampWindow({ start: w.start + d, end: w.end + d }, limit);
}

/** Keep the window inside the limit without changing its span (unless it is wider than the limit). */
export function clampWindow(w: TimeWindow, limit: TimeWindow): TimeWindow {
  const span = Math.min(w.end - w.start, limit.end - limit.start);
  let start = Math.max(limit.start, Math.min(w.start, limit.end - span));
  if (!Number.isFinite(start)) start = limit.start;
  return { start, end: start + span };
}

/** Centre the window on `t` if it is outside the middle 80%; keeps the zoom. */
export function revealTime(w: TimeWindow, t: number, limit: TimeWindow): TimeWindow {
  const span = w.end - w.start;
  if (t >= w.start + span * 0.1 && t <= w.end - span * 0.1) return w;
  return clampWindow({ start: t - span / 2, end: t + span / 2 }, limit);
}

/** Same window as Fit? (used to keep the user's zoom across live snapshots) */
export function isFitted(w: TimeWindow, duration: number, startup = 0): boolean {
  const f = programWindow(duration, startup);
  return (
    Math.abs(w.start - f.start) < 1e-6 * (f.end - f.start) + 1e-9 &&
    Math.abs(w.end - f.end) < 1e-6 * (f.end - f.start) + 1e-9
  );
}
