/** Everything a frame depends on, shared by the renderer, the hit test and the app. */
import type { TraceModel } from '../shared/traceModel';
import type { WaitForGraph } from '../shared/waitFor';
import type { Layout } from './layout';
import type { ModelIndex } from './modelIndex';
import type { TimeWindow } from './viewport';

/** The label column's width (lane names, left of the time area) until the user resizes it (CSS px). */
export const GUTTER_W = 190;
/** A narrow panel's default label column: this share of the canvas, no narrower than GUTTER_NARROW_W. */
const GUTTER_SHARE = 0.3;
const GUTTER_NARROW_W = 110;

/**
 * The label column until the user drags it: GUTTER_W in a wide panel, about a third of a narrow one (a
 * 420 px panel beside the editor keeps most of its width for time), never narrower than GUTTER_NARROW_W.
 */
export function defaultGutterW(canvasW: number): number {
  return Math.max(GUTTER_NARROW_W, Math.min(GUTTER_W, Math.round(canvasW * GUTTER_SHARE)));
}
/** The narrowest label column the user can drag to. */
export const GUTTER_MIN_W = 60;

export interface EventRef {
  type: 'span' | 'marker';
  index: number;
}

export interface ViewState {
  model: TraceModel;
  index: ModelIndex;
  layout: Layout;
  window: TimeWindow;
  /** End of the interpreter's start-up and imports when they are folded into one block (else 0). */
  startup: number;
  /** Width of the label column (lane names) left of the time area, CSS px: the user can resize it. */
  gutterW: number;
  /** Vertical scroll of the lane area (content px). */
  scrollY: number;
  /** Selected step (index into model.steps), -1 for none. */
  selected: number;
  /** Match flags while a search/filter is active, else null. */
  matches: { spans: Uint8Array; markers: Uint8Array } | null;
  /** Steps on the editor cursor's line. */
  cursor: number[];
  /** Replay position (step index) or -1 when not replaying. */
  replay: number;
  /** Draw every flow arrow in view (else only those of the selected step and its neighbours). */
  allFlows: boolean;
  hover: EventRef | null;
  /** Who waits for whom, when the run ended with lanes stuck (a timeout or Stop); drawn on the canvas. */
  waits?: WaitForGraph;
  /**
   * True between the first frame of a 'traceColumns' model and the moment its objects (spans, markers,
   * steps…) exist: it is drawn from the index columns, and the pointer hits nothing yet.
   */
  pending?: boolean;
}

export function eventLane(model: TraceModel, ref: EventRef): number {
  return ref.type === 'span' ? (model.spans[ref.index]?.lane ?? -1) : (model.markers[ref.index]?.lane ?? -1);
}

export function eventTime(model: TraceModel, ref: EventRef): number {
  return ref.type === 'span' ? (model.spans[ref.index]?.start ?? 0) : (model.markers[ref.index]?.ts ?? 0);
}
