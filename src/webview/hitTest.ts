/** Which event is under a point of the canvas. Pure: works on the view state and the frame scale. */
import { MARKER_H, RULER_H, SPAN_H, rowAt, type Row } from './layout';
import { lowerBound, toTime, upperBound, type Scale } from './lod';
import { type EventRef, type ViewState } from './viewState';

export type Hit =
  { type: 'event'; ref: EventRef } | { type: 'gutter'; row: Row } | { type: 'lane'; row: Row } | { type: 'none' };

const MARKER_SLOP_PX = 5;
const SPAN_SLOP_PX = 2;

export function hitTest(v: ViewState, s: Scale, x: number, y: number): Hit {
  if (y < RULER_H) return { type: 'none' };
  const ri = rowAt(v.layout, y - RULER_H + v.scrollY);
  if (ri < 0) return { type: 'none' };
  const row = v.layout.rows[ri];
  if (x < v.gutterW) return { type: 'gutter', row };
  if (row.type !== 'lane') return { type: 'lane', row };
  const lane = v.index.lane(row.lane);
  const local = y - RULER_H + v.scrollY - row.y;
  const t = toTime(s, x);
  if (local < MARKER_H) {
    const pts = lane.markers;
    const lo = lowerBound(pts.ts, toTime(s, x - MARKER_SLOP_PX));
    const hi = upperBound(pts.ts, toTime(s, x + MARKER_SLOP_PX));
    let best = -1;
    let bestD = Infinity;
    for (let i = lo; i < hi && i < lo + 64; i++) {
      const d = Math.abs(pts.ts[i] - t);
      if (d < bestD) {
        bestD = d;
        best = pts.ids[i];
      }
    }
    if (best >= 0) return { type: 'event', ref: { type: 'marker', index: best } };
    // A wait bar is the marker that started the wait.
    const w = lane.waits;
    const wi = upperBound(w.starts, t) - 1;
    for (let i = wi; i >= 0 && i > wi - 8; i--)
      if (w.ends[i] >= t) return { type: 'event', ref: { type: 'marker', index: w.ids[i] } };
    return { type: 'lane', row };
  }
  const d = Math.floor((local - MARKER_H) / SPAN_H);
  const ix = lane.spans[d];
  if (ix === undefined) return { type: 'lane', row };
  const tl = toTime(s, x - SPAN_SLOP_PX);
  const th = toTime(s, x + SPAN_SLOP_PX);
  const i = upperBound(ix.starts, th) - 1;
  // The innermost candidate is the latest-starting one still open at the cursor.
  for (let k = i; k >= 0 && k > i - 16; k--) {
    if (ix.ends[k] >= tl) return { type: 'event', ref: { type: 'span', index: ix.ids[k] } };
    if (ix.maxEnd[k] < tl) break;
  }
  return { type: 'lane', row };
}
