/**
 * Search structures built once per model: per-lane, per-depth span intervals, per-lane marker
 * points and wait bars, step ↔ event maps. Pure (no DOM), so it is unit-tested and benchmarked in Node.
 */
import { columnsOfModel, type EventColumns } from '../shared/traceColumns';
import { MARKER_KINDS } from '../shared/eventKinds';
import { SEVERITIES } from '../shared/traceModel';
import { LANE_PALETTE_SIZE, laneColorSlots } from './laneColors';
import { canBeStuckIn } from './laneStates';
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
  /**
   * Lane l's search structures, built on first use: the first frame of a model builds only the lanes
   * it shows (at 100k events most lanes are below the fold); the app builds the rest after that frame.
   */
  lane(l: number): LaneIndex;
  /** Every lane's (builds those not built yet). */
  readonly lanes: readonly LaneIndex[];
  /** How many lanes are built so far (for tests). */
  builtLanes(): number;
  /** Each lane's deepest span depth: what the layout needs, known before any lane is built. */
  maxDepth: Int32Array;
  /** Markers with severity 'error', drawn on top at every zoom. */
  errors: Int32Array;
  /** Built on first use: drawn only when every arrow is shown. */
  readonly flows: IntervalIndex;
  /** On-CPU share of each span (0..1), -1 when unknown: read every frame, so computed once. */
  spanCpu: Float32Array;
  /** What the renderer reads of each event (the model's objects may not exist yet). */
  cols: EventColumns;
  /**
   * When each marker's wait ended: its waitEnd, or for a wait that never ended (the lane's last event
   * is a blocking call: stuck at a timeout, a Stop or the end of the run) the end of the run. NaN for
   * markers that are not waits.
   */
  waitEnd: Float64Array;
  /** 1 for a wait that never ended. */
  stuck: Uint8Array;
  /** Each lane's colour slot: stable per lane identity, distinct among own lanes (laneColors.ts). */
  laneSlot: Int32Array;
  /** When the program's own code first ran (its first span on a lane of its own), Infinity if never. */
  programStart: number;
  /**
   * When the program's activity began: its first event that is not the main module starting (a call of
   * one of its functions, a print, a thread, a lock…), else programStart. Between programStart and this,
   * `<module>` runs its imports and set-up; Fit folds that lead-in with the interpreter's start-up.
   */
  activityStart: number;
  /**
   * The step maps below are not needed to draw: they are built on first use (or in idle time after the
   * first frame), from the model's steps as they are then. `stepsChanged()` drops them when the steps
   * arrive later than the index (a big model's steps are made after its first frame).
   */
  /** span index → step index (-1 if the span has no step). */
  readonly spanStep: Int32Array;
  readonly markerStep: Int32Array;
  /** step.order of each step, ascending, for order → step lookups. */
  readonly stepOrder: Float64Array;
  stepsChanged(): void;
}

interface StepMaps {
  spanStep: Int32Array;
  markerStep: Int32Array;
  stepOrder: Float64Array;
}

function buildStepMaps(model: TraceModel): StepMaps {
  const spanStep = new Int32Array(model.spans.length).fill(-1);
  const markerStep = new Int32Array(model.markers.length).fill(-1);
  const steps = model.steps;
  const stepOrder = new Float64Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    stepOrder[i] = st.order;
    const ref = st.ref;
    if (ref.type === 'span' && ref.index >= 0 && ref.index < spanStep.length) spanStep[ref.index] = i;
    else if (ref.type === 'marker' && ref.index >= 0 && ref.index < markerStep.length) markerStep[ref.index] = i;
  }
  return { spanStep, markerStep, stepOrder };
}

/**
 * Ids 0..keys.length-1 grouped by key, in id order within a key (a stable counting sort). `count[k + 1]`
 * holds how many ids have key k (keys < 0 are left out); on return `count[k]` is where key k's ids start
 * and `count[k + 1]` where they end.
 */
function bucket(keys: Int32Array, count: Int32Array): Int32Array {
  for (let k = 1; k < count.length; k++) count[k] += count[k - 1];
  const ids = new Int32Array(count[count.length - 1]);
  const at = count.slice(0, count.length - 1);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k >= 0 && k < at.length) ids[at[k]++] = i;
  }
  return ids;
}

/**
 * `cols` are the model's events as columns: given by a 'traceColumns' payload before its objects exist,
 * else taken from the objects.
 */
export function buildModelIndex(model: TraceModel, cols: EventColumns = columnsOfModel(model)): ModelIndex {
  const nl = model.lanes.length;
  // Typed loops only (a counting sort by lane and row, no growing arrays): this runs on every trace
  // message, before the first frame, mostly in code not yet optimised.
  const { spanLane, spanDepth, spanStart, spanEnd, markerLane, markerTs, markerWaitEnd, markerSeverity } = cols;
  const ns = spanLane.length;
  const nm = markerLane.length;
  const spanCpu = new Float32Array(ns);
  const maxDepth = new Int32Array(nl);
  const maxRow = new Int32Array(nl).fill(-1);
  // Each lane's earliest span in its first row (where the program's own code first ran).
  const firstStart = new Float64Array(nl).fill(Infinity);
  const spanKey = new Int32Array(ns);
  const spanCount = new Int32Array(nl * MAX_SPAN_ROWS + 1);
  for (let i = 0; i < ns; i++) {
    spanCpu[i] = cpuFraction(cols.spanCpu[i], spanStart[i], spanEnd[i]);
    const lane = spanLane[i];
    if (!(lane >= 0 && lane < nl)) {
      spanKey[i] = -1;
      continue;
    }
    const depth = spanDepth[i];
    const row = Math.min(Math.max(0, depth), MAX_SPAN_ROWS - 1);
    const key = lane * MAX_SPAN_ROWS + row;
    spanKey[i] = key;
    spanCount[key + 1]++;
    if (row > maxRow[lane]) maxRow[lane] = row;
    if (row === 0 && spanStart[i] < firstStart[lane]) firstStart[lane] = spanStart[i];
    if (depth > maxDepth[lane]) maxDepth[lane] = depth;
  }
  const spanIds = bucket(spanKey, spanCount);
  const markerCount = new Int32Array(nl + 1);
  const waitKey = new Int32Array(nm);
  const waitCount = new Int32Array(nl + 1);
  const errors: number[] = [];
  const errorCode = SEVERITIES.indexOf('error');
  for (let i = 0; i < nm; i++) {
    const lane = markerLane[i];
    waitKey[i] = -1;
    if (!(lane >= 0 && lane < nl)) continue;
    markerCount[lane + 1]++;
    if (markerWaitEnd[i] > markerTs[i]) {
      waitKey[i] = lane;
      waitCount[lane + 1]++;
    }
    if (markerSeverity[i] === errorCode) errors.push(i);
  }
  const markerIds = bucket(markerLane, markerCount);
  // A lane whose last event begins a wait never got past it: its wait runs to the end of the run.
  const waitEnd = markerWaitEnd.slice();
  const stuck = new Uint8Array(nm);
  for (let l = 0; l < nl; l++) {
    let last = -1;
    for (let k = markerCount[l]; k < markerCount[l + 1]; k++)
      if (last < 0 || markerTs[markerIds[k]] >= markerTs[last]) last = markerIds[k];
    // (Its completion would be a later marker; the model may already have run it to the end of the trace.)
    if (last < 0 || !canBeStuckIn(MARKER_KINDS[cols.markerKind[last]])) continue;
    const end = Math.max(
      model.duration,
      model.lanes[l].end,
      Number.isNaN(markerWaitEnd[last]) ? -Infinity : markerWaitEnd[last],
    );
    if (!(end > markerTs[last])) continue;
    waitEnd[last] = end;
    stuck[last] = 1;
    if (waitKey[last] !== l) {
      waitKey[last] = l;
      waitCount[l + 1]++;
    }
  }
  const waitIds = bucket(waitKey, waitCount);
  const built: (LaneIndex | undefined)[] = new Array<LaneIndex | undefined>(nl);
  const lane = (l: number): LaneIndex => {
    let li = built[l];
    if (li === undefined) {
      const rows: IntervalIndex[] = [];
      for (let r = 0; r <= maxRow[l]; r++) {
        const key = l * MAX_SPAN_ROWS + r;
        rows.push(buildIntervalIndex(spanIds.subarray(spanCount[key], spanCount[key + 1]), spanStart, spanEnd));
      }
      li = built[l] = {
        spans: rows,
        markers: buildPointIndex(markerIds.subarray(markerCount[l], markerCount[l + 1]), markerTs),
        waits: buildIntervalIndex(waitIds.subarray(waitCount[l], waitCount[l + 1]), markerTs, waitEnd),
        maxDepth: maxDepth[l],
      };
    }
    return li;
  };
  let flows: IntervalIndex | undefined;

  let programStart = Infinity;
  for (let l = 0; l < nl; l++) if (!model.lanes[l].internal) programStart = Math.min(programStart, firstStart[l]);
  const activityStart = firstActivity(model, cols);

  let maps: StepMaps | null = null;
  const stepMaps = (): StepMaps => (maps ??= buildStepMaps(model));
  return {
    lane,
    get lanes() {
      return Array.from({ length: nl }, (_x, l) => lane(l));
    },
    maxDepth,
    builtLanes: () => built.filter((x) => x !== undefined).length,
    errors: Int32Array.from(errors),
    get flows() {
      return (flows ??= buildFlowIndex(cols));
    },
    spanCpu,
    cols,
    waitEnd,
    stuck,
    laneSlot: laneColorSlots(model.lanes, LANE_PALETTE_SIZE),
    programStart,
    activityStart: Number.isFinite(activityStart) ? activityStart : programStart,
    get spanStep() {
      return stepMaps().spanStep;
    },
    get markerStep() {
      return stepMaps().markerStep;
    },
    get stepOrder() {
      return stepMaps().stepOrder;
    },
    stepsChanged() {
      maps = null;
    },
  };
}

/** Flow arrows by the time span they cover. */
function buildFlowIndex({ flowFromTs, flowToTs }: EventColumns): IntervalIndex {
  const nf = flowFromTs.length;
  const flowLo = new Float64Array(nf);
  const flowHi = new Float64Array(nf);
  const flowIds = new Int32Array(nf);
  for (let i = 0; i < nf; i++) {
    flowLo[i] = Math.min(flowFromTs[i], flowToTs[i]);
    flowHi[i] = Math.max(flowFromTs[i], flowToTs[i]);
    flowIds[i] = i;
  }
  return buildIntervalIndex(flowIds, flowLo, flowHi);
}

/** Marker kinds that are not yet the program's activity: its process beginning. */
const NOT_ACTIVITY = new Set<number>([MARKER_KINDS.indexOf('proc_begin')]);

/** See ModelIndex.activityStart. */
function firstActivity(model: TraceModel, cols: EventColumns): number {
  const own = (lane: number): boolean => model.lanes[lane] !== undefined && !model.lanes[lane].internal;
  let first = Infinity;
  for (let i = 0; i < cols.markerLane.length; i++) {
    const ts = cols.markerTs[i];
    if (ts < first && !NOT_ACTIVITY.has(cols.markerKind[i]) && own(cols.markerLane[i])) first = ts;
  }
  for (let i = 0; i < cols.spanLane.length; i++) {
    const ts = cols.spanStart[i];
    if (ts < first && own(cols.spanLane[i]) && (cols.spanDepth[i] > 0 || cols.spanName(i) !== '<module>')) first = ts;
  }
  return first;
}

/** The step at `order`, or the last one before it (an output line's order may fall between steps). */
export function stepAtOrder(ix: ModelIndex, order: number): number {
  const i = lowerBound(ix.stepOrder, order);
  if (i < ix.stepOrder.length && ix.stepOrder[i] === order) return i;
  return Math.max(0, i - 1);
}

/** Each lane's deepest span depth, for the layout. */
export function laneDepths(ix: ModelIndex): Int32Array {
  return ix.maxDepth;
}
