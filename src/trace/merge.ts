/**
 * Merges per-process event streams into one global order. Inside a process `seq` is authoritative
 * (threads may write slightly out of ts order), so each stream keeps its seq order and the heads of
 * the streams are compared by (ts, pid, seq). A binary heap keeps this O(n log k) for programs that
 * start hundreds of processes.
 */
import type { RawEvent } from './schema';

function before(a: RawEvent, b: RawEvent): boolean {
  if (a[1] !== b[1]) return a[1] < b[1];
  if (a[2] !== b[2]) return a[2] < b[2];
  return a[0] < b[0];
}

/** Sorts one process's events by seq unless they already are (the usual case). */
function bySeq(events: readonly RawEvent[]): readonly RawEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i][0] < events[i - 1][0]) return [...events].sort((a, b) => a[0] - b[0]);
  }
  return events;
}

export function mergeStreams(streams: readonly (readonly RawEvent[])[]): RawEvent[] {
  const lists = streams.map(bySeq).filter((s) => s.length > 0);
  const total = lists.reduce((n, s) => n + s.length, 0);
  const out: RawEvent[] = new Array<RawEvent>(total);
  if (lists.length === 1) {
    for (let i = 0; i < total; i++) out[i] = lists[0][i];
    return out;
  }
  const pos = new Array<number>(lists.length).fill(0);
  // heap of stream indexes ordered by their head event
  const heap: number[] = [];
  const head = (s: number): RawEvent => lists[s][pos[s]];
  const less = (x: number, y: number): boolean => before(head(x), head(y));
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let s = 0; s < lists.length; s++) {
    heap.push(s);
    up(heap.length - 1);
  }
  let n = 0;
  while (heap.length > 0) {
    const s = heap[0];
    out[n++] = head(s);
    pos[s]++;
    if (pos[s] >= lists[s].length) {
      const last = heap.pop() as number;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      down(0);
    }
  }
  return out;
}
