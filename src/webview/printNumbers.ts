/**
 * Prints numbered 1…N in the order they happened. The number is written beside each print on the canvas
 * (alone where its text has no room: busy lanes) and before its first line in the output pane, so which
 * lane printed what, and in which order, reads without hovering. Pure.
 */
import { MARKER_KINDS } from '../shared/eventKinds';
import type { TraceModel } from '../shared/traceModel';

export interface PrintNumbers {
  /**
   * Marker index → its print's number, 0 for a marker that is not a print. What the canvas reads: a typed
   * array, since a big model's first frame numbers its prints (two Map entries per print cost that frame
   * ~10 ms at 100k events).
   */
  ofMarker: Int32Array;
  /** Marker index of a print → its number (made on first use). */
  readonly byMarker: Map<number, number>;
  /** A print's step order → its number, for the output pane: its output lines share that order (made on first use). */
  readonly byOrder: Map<number, number>;
}

const PRINT = MARKER_KINDS.indexOf('print');

/** What numbering needs of the drawing columns (EventColumns), which exist from a model's first frame. */
export interface PrintColumns {
  markerKind: Int32Array;
  markerOrder: Int32Array;
}

/**
 * By the markers array, not the model: a big model's first frames are drawn before its marker objects
 * exist, and `model.markers` is a new array once they do.
 */
const byObjects = new WeakMap<TraceModel['markers'], PrintNumbers>();
/** By the columns' kind array: the canvas numbers prints from the columns, the output pane from the objects. */
const byColumns = new WeakMap<Int32Array, PrintNumbers>();

/** From the model's marker objects (the output pane, once the model is loaded). */
export function printNumbers(model: TraceModel): PrintNumbers {
  let found = byObjects.get(model.markers);
  if (!found) {
    const m = model.markers;
    const kind = new Int32Array(m.length);
    const order = new Float64Array(m.length);
    for (let i = 0; i < m.length; i++) {
      kind[i] = m[i].kind === 'print' ? PRINT : -1;
      order[i] = m[i].order;
    }
    found = numbered(kind, order);
    byObjects.set(model.markers, found);
  }
  return found;
}

/** From the drawing columns (the canvas, from the first frame on): the same numbers as printNumbers. */
export function printNumbersOf(cols: PrintColumns): PrintNumbers {
  let found = byColumns.get(cols.markerKind);
  if (!found) {
    found = numbered(cols.markerKind, cols.markerOrder);
    byColumns.set(cols.markerKind, found);
  }
  return found;
}

/**
 * Numbers the markers of kind PRINT in `kind` 1…N by `order`. This runs in a big model's first frame, in
 * code not yet optimised: plain loops over typed arrays, a typed sort, and no Map entry per print (two
 * of them per print, and a comparator sort, cost that frame ~10 ms at 100k events).
 */
function numbered(kind: Int32Array, order: ArrayLike<number>): PrintNumbers {
  const n = kind.length;
  let count = 0;
  let sorted = true;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (kind[i] !== PRINT) continue;
    count++;
    if (order[i] < last) sorted = false;
    last = order[i];
  }
  const prints = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (kind[i] === PRINT) prints[k++] = i;
  if (!sorted) {
    // (order, index) packed in one float, exact for whole numbers below 2^53: ties keep marker order.
    const keys = new Float64Array(count);
    let packs = n <= PACK;
    for (let k = 0; k < count && packs; k++) {
      const o = order[prints[k]];
      packs = Number.isInteger(o) && o >= 0 && o < MAX_PACKED_ORDER;
      keys[k] = o * PACK + prints[k];
    }
    if (packs) {
      keys.sort();
      for (let k = 0; k < count; k++) prints[k] = keys[k] % PACK;
    } else prints.sort((a, b) => order[a] - order[b] || a - b);
  }
  const ofMarker = new Int32Array(n);
  for (let k = 0; k < count; k++) ofMarker[prints[k]] = k + 1;
  let byMarker: Map<number, number> | undefined;
  let byOrder: Map<number, number> | undefined;
  return {
    ofMarker,
    get byMarker() {
      return (byMarker ??= new Map(Array.from(prints, (i, k) => [i, k + 1])));
    },
    get byOrder() {
      return (byOrder ??= new Map(Array.from(prints, (i, k) => [order[i], k + 1])));
    },
  };
}

/** Marker indexes below this pack beside an order below MAX_PACKED_ORDER in one exact float (see numbered). */
const PACK = 2 ** 23;
const MAX_PACKED_ORDER = 2 ** 53 / PACK;

/**
 * The label of `count` prints numbered lo…hi under one glyph: "3–7" when they are all of lo to hi, "2, 4"
 * for two apart (other lanes printed between them), else "3…9" (not all of them: the output pane lists each).
 */
export function numberRange(lo: number, hi: number, count: number): string {
  if (count >= hi - lo + 1) return `${lo}–${hi}`;
  return count === 2 ? `${lo}, ${hi}` : `${lo}…${hi}`;
}
