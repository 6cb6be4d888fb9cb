/**
 * The Timeline benchmarks' gestures, one home for bench:timeline (test/webview/bench.ts) and
 * scripts/bench-timeline-calls.mjs: which wheel events, and how one is dispatched in the page.
 */

export interface WheelSpec {
  /** 'zoom-in', 'pan' or 'zoom-out'. */
  group: string;
  deltaX: number;
  deltaY: number;
  ctrlKey: boolean;
  /** Idle frames before this event (lets speedscope drop its zoom/pan interaction lock). */
  idle: number;
}

/** 20 zoom-ins, 30 pans, 10 zoom-outs: the same gestures for both viewers, scaled to each one's wheel handling. */
export function gestures(zoomDelta: number, panDelta: number): WheelSpec[] {
  const out: WheelSpec[] = [];
  for (let i = 0; i < 20; i++)
    out.push({ group: 'zoom-in', deltaX: 0, deltaY: -zoomDelta, ctrlKey: true, idle: i === 0 ? 5 : 0 });
  for (let i = 0; i < 30; i++)
    out.push({ group: 'pan', deltaX: panDelta, deltaY: 0, ctrlKey: false, idle: i === 0 ? 8 : 0 });
  for (let i = 0; i < 10; i++)
    out.push({ group: 'zoom-out', deltaX: 0, deltaY: zoomDelta, ctrlKey: true, idle: i === 0 ? 8 : 0 });
  return out;
}

/** Positions in gestures() of the first event after idle frames. */
export const AFTER_IDLE = [0, 20, 50];

/**
 * Page script (run with page.evaluate before the gestures): defines `window.__benchWheel(target, at, spec)`,
 * which dispatches the wheel event of a spec at a page point, as a user's wheel over the canvas arrives.
 */
export const WHEEL_SCRIPT = `window.__benchWheel = (target, at, s) => target.dispatchEvent(
  new WheelEvent('wheel', {
    deltaX: s.deltaX,
    deltaY: s.deltaY,
    ctrlKey: s.ctrlKey,
    clientX: at.x,
    clientY: at.y,
    bubbles: true,
    cancelable: true,
  }),
);`;

/** What WHEEL_SCRIPT adds to the page. */
export interface WheelGlobals {
  __benchWheel(
    target: Element,
    at: { x: number; y: number },
    s: Pick<WheelSpec, 'deltaX' | 'deltaY' | 'ctrlKey'>,
  ): void;
}
