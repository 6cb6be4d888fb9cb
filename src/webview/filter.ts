/** Search and filter over steps: by text, lane and marker category. Pure. */
import type { TraceModel } from '../shared/traceModel';
import { markerCategory, type MarkerCategory } from './markerStyle';

export interface StepFilter {
  /** Case-insensitive substring of the step text, the lane name or the source label. */
  text: string;
  /** Lane id, -1 for all. */
  lane: number;
  /** Marker category, 'call' for function spans, '' for all. */
  kind: MarkerCategory | 'call' | '';
}

export const NO_FILTER: StepFilter = { text: '', lane: -1, kind: '' };

export function isFilterActive(f: StepFilter): boolean {
  return f.text.trim() !== '' || f.lane >= 0 || f.kind !== '';
}

/**
 * Indices of the steps that pass the filter, ascending. With no filter: all of them.
 * `laneSet` widens a lane filter to that lane's descendants (a process shows its threads' steps).
 */
export function filterSteps(model: TraceModel, f: StepFilter, laneSet?: ReadonlySet<number>): Int32Array {
  const steps = model.steps;
  if (!isFilterActive(f)) {
    const all = new Int32Array(steps.length);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return all;
  }
  const q = f.text.trim().toLowerCase();
  const laneNames = model.lanes.map((l) => l.name.toLowerCase());
  const out = new Int32Array(steps.length);
  let n = 0;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    if (f.lane >= 0 && (laneSet ? !laneSet.has(st.lane) : st.lane !== f.lane)) continue;
    if (f.kind !== '') {
      if (st.ref.type === 'span') {
        if (f.kind !== 'call') continue;
      } else {
        const m = model.markers[st.ref.index];
        if (f.kind === 'call' || m === undefined || markerCategory(m.kind) !== f.kind) continue;
      }
    }
    if (q !== '' && !st.text.toLowerCase().includes(q) && !(laneNames[st.lane] ?? '').includes(q)) continue;
    out[n++] = i;
  }
  return out.slice(0, n);
}

/** Lane ids in the subtree of `lane` (itself included). */
export function laneSubtree(model: TraceModel, lane: number): Set<number> {
  const set = new Set<number>([lane]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of model.lanes) {
      if (!set.has(l.id) && set.has(l.parent)) {
        set.add(l.id);
        grew = true;
      }
    }
  }
  return set;
}

/** Steps on `line` of `source` (the editor cursor): indices into model.steps. */
export function stepsOnLine(model: TraceModel, source: number, line: number): number[] {
  const out: number[] = [];
  const steps = model.steps;
  for (let i = 0; i < steps.length; i++) if (steps[i].source === source && steps[i].line === line) out.push(i);
  return out;
}

/** Per-event match flags for dimming the canvas: 1 = matches. */
export function eventMatches(model: TraceModel, matched: Int32Array): { spans: Uint8Array; markers: Uint8Array } {
  const spans = new Uint8Array(model.spans.length);
  const markers = new Uint8Array(model.markers.length);
  for (let k = 0; k < matched.length; k++) {
    const ref = model.steps[matched[k]].ref;
    if (ref.type === 'span') spans[ref.index] = 1;
    else markers[ref.index] = 1;
  }
  return { spans, markers };
}
