/**
 * Prints numbered 1…N in the order they happened. The number is written beside each print on the canvas
 * (alone where its text has no room: busy lanes) and before its first line in the output pane, so which
 * lane printed what, and in which order, reads without hovering. Pure.
 */
import type { TraceModel } from '../shared/traceModel';

export interface PrintNumbers {
  /** Marker index of a print → its number. */
  byMarker: Map<number, number>;
  /** A print's step order → its number (its output lines share that order). */
  byOrder: Map<number, number>;
}

/**
 * By the markers array, not the model: a big model's first frames are drawn before its marker objects
 * exist, and `model.markers` is a new array once they do.
 */
const cache = new WeakMap<TraceModel['markers'], PrintNumbers>();

export function printNumbers(model: TraceModel): PrintNumbers {
  const found = cache.get(model.markers);
  if (found) return found;
  const prints: number[] = [];
  model.markers.forEach((m, i) => {
    if (m.kind === 'print') prints.push(i);
  });
  prints.sort((a, b) => model.markers[a].order - model.markers[b].order);
  const numbers: PrintNumbers = { byMarker: new Map(), byOrder: new Map() };
  prints.forEach((i, k) => {
    numbers.byMarker.set(i, k + 1);
    numbers.byOrder.set(model.markers[i].order, k + 1);
  });
  cache.set(model.markers, numbers);
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
