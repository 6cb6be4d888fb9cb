/**
 * Prints numbered 1…N in the order they happened. The number is written beside each print on the canvas
 * (alone where its text has no room: busy lanes) and before its first line in the output pane, so which
 * lane printed what, and in which order, reads without hovering. Pure.
 */
import { MARKER_KINDS } from '../shared/eventKinds';
import type { TraceModel } from '../shared/traceModel';

export interface PrintNumbers {
  /** Marker index of a print → its number. */
  byMarker: Map<number, number>;
  /** A print's step order → its number (its output lines share that order). */
  byOrder: Map<number, number>;
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
    found = numbered(
      m.length,
      (i) => m[i].kind === 'print',
      (i) => m[i].order,
    );
    byObjects.set(model.markers, found);
  }
  return found;
}

/** From the drawing columns (the canvas, from the first frame on): the same numbers as printNumbers. */
export function printNumbersOf(cols: PrintColumns): PrintNumbers {
  let found = byColumns.get(cols.markerKind);
  if (!found) {
    found = numbered(
      cols.markerKind.length,
      (i) => cols.markerKind[i] === PRINT,
      (i) => cols.markerOrder[i],
    );
    byColumns.set(cols.markerKind, found);
  }
  return found;
}

function numbered(n: number, isPrint: (i: number) => boolean, order: (i: number) => number): PrintNumbers {
  const prints: number[] = [];
  for (let i = 0; i < n; i++) if (isPrint(i)) prints.push(i);
  prints.sort((a, b) => order(a) - order(b));
  const numbers: PrintNumbers = { byMarker: new Map(), byOrder: new Map() };
  prints.forEach((i, k) => {
    numbers.byMarker.set(i, k + 1);
    numbers.byOrder.set(order(i), k + 1);
  });
  return numbers;
}

/**
 * The label of `count` prints numbered lo…hi under one glyph: "3–7" when they are all of lo to hi, "2, 4"
 * for two apart (other lanes printed between them), else "3…9" (not all of them: the output pane lists each).
 */
export function numberRange(lo: number, hi: number, count: number): string {
  if (count >= hi - lo + 1) return `${lo}–${hi}`;
  return count === 2 ? `${lo}, ${hi}` : `${lo}…${hi}`;
}
