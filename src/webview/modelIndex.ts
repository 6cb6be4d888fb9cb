/**
 * Search structures built once per model: per-lane, per-depth span intervals, per-lane marker
 * points and wait bars, step ↔ event maps. Pure (no DOM), so it is unit-tested and benchmarked in Node.
 */
import type { TraceModel } from '../shared/traceModel';
import { buildIntervalIndex, buildPointIndex, lowerBound, type IntervalIndex, type PointIndex } from './lod';
import { cpuFraction } from './format';
import { MAX_SPAN_ROWS } from './layout';

export interface LaneIndex {
  /** spans[d] holds this lane's spans drawn in row d (depth d, deeper ones in the last row). */
  spans: IntervalIndex[];
  markers: PointIndex;
  waits: IntervalIndex;
  maxDepth: number;
}

export interface ModelIndex {
  lanes: LaneIndex[];
  /** Markers with severity 'error', drawn on top at every zoom. */
  errors: Int32Array;
  flows: IntervalIndex;
  /** span index → step index (-1 if the span has no step). */
  spanStep: Int32Array;
  markerStep: Int32Array;
  /** step.order of each step, ascending, for order → step lookups. */
  stepOrder: Float64Array;
  /** On-CPU share of each span (0..1), -1 when unknown: read every frame, so computed once. */
  spanCpu: Float32Array;
}

export function buildModelIndex(model: TraceModel): ModelIndex {
  const nl = model.lanes.length;
  const spansBy: number[][][] = Array.from({ length: nl }, () => []);
  const maxDepth = new Int32Array(nl);
  // Plain loops over the model arrays: this runs on every trace message, before the first frame.
  const spans = model.spans;
  const markers = model.markers;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    const lane = s.lane;
    if (!(lane >= 0 && lane < nl)) continue;
    const row = Math.min(Math.max(0, s.depth), MAX_SPAN_ROWS - 1);
    const perLane = spansBy[lane];
    while (perLane.length <= row) perLane.push([]);
    perLane[row].push(i);
    if (s.depth > maxDepth[lane]) maxDepth[lane] = s.depth;
  }
  const markersBy: number[][] = Array.from({ length: nl }, () => []);
  const waitsBy: number[][] = Array.from({ length: nl }, () => []);
  const errors: number[] = [];
  for (let i = 0; i < markers.length; i++) {
    const m = markers[i];
    const lane = m.lane;
    if (!(lane >= 0 && lane < nl)) continue;
    markersBy[lane].push(i);
    const w = m.waitEnd;
    if (w !== undefined && w > m.ts) waitsBy[lane].push(i);
    if (m.severity === 'error') errors.push(i);
  }
  const lanes: LaneIndex[] = [];
  for (let l = 0; l < nl; l++) {
    lanes.push({
      spans: spansBy[l].map((ids) => buildIntervalIndex(ids, (i) => spans[i].start, (i) => spans[i].end)),
      markers: buildPointIndex(markersBy[l], (i) => markers[i].ts),
      waits: buildIntervalIndex(waitsBy[l], (i) => markers[i].ts, (i) => markers[i].waitEnd ?? markers[i].ts),
      maxDepth: maxDepth[l],
    });
  }
  const flows = model.flows;
  const flowIds = Array.from({ length: flows.length }, (_, i) => i);
  const flowIndex = buildIntervalIndex(flowIds, (i) => Math.min(flows[i].fromTs, flows[i].toTs), (i) => Math.max(flows[i].fromTs, flows[i].toTs));

  const spanStep = new Int32Array(model.spans.length).fill(-1);
  const markerStep = new Int32Array(model.markers.length).fill(-1);
  const stepOrder = new Float64Array(model.steps.length);
  model.steps.forEach((st, i) => {
    stepOrder[i] = st.order;
    if (st.ref.type === 'span' && st.ref.index >= 0 && st.ref.index < spanStep.length) spanStep[st.ref.index] = i;
    else if (st.ref.type === 'marker' && st.ref.index >= 0 && st.ref.index < markerStep.length) markerStep[st.ref.index] = i;
  });
  const spanCpu = new Float32Array(model.spans.length);
  model.spans.forEach((sp, i) => {
    spanCpu[i] = cpuFraction(sp.cpu, sp.start, sp.end);
  });
  return { lanes, errors: Int32Array.from(errors), flows: flowIndex, spanStep, markerStep, stepOrder, spanCpu };
}

/** The step at `order`, or the last one before it (an output line's order may fall between steps). */
export function stepAtOrder(ix: ModelIndex, order: number): number {
  const i = lowerBound(ix.stepOrder, order);
  if (i < ix.stepOrder.length && ix.stepOrder[i] === order) return i;
  return Math.max(0, i - 1);
}

/** Ids (model.maxDepth per lane) for the layout. */
export function laneDepths(ix: ModelIndex): Int32Array {
  return Int32Array.from(ix.lanes, (l) => l.maxDepth);
}
