/** Threads: start (in the starting thread), begin and end (on the new one), join. */
import { asData, bool, clip, num, str } from '../rawData';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import type { Point } from './state';

type ThreadKind = 'thread_start' | 'thread_begin' | 'thread_end' | 'thread_join' | 'thread_joined';

export const threads: FamilyOf<ThreadKind> = (b) => {
  const starts = new Map<string, Point>();
  /** Each start's marker index: Thread.start blocks its caller until the new thread has begun. */
  const startMarkers = new Map<string, number>();
  const ends = new Map<string, Point>();
  const keyOf = (ev: RawEvent): string => `${ev[2]}:${num(asData(ev[6]), 'obj') ?? -1}`;
  // Its name is known before the marker is labelled.
  const learnName = (ev: RawEvent): void => {
    const name = str(asData(ev[6]), 'name');
    if (name) b.threadNames.set(keyOf(ev), clip(name, 200));
  };
  return {
    handlers: {
      thread_start(ev, ts) {
        learnName(ev);
        starts.set(keyOf(ev), b.marker('thread_start', ev, ts));
        startMarkers.set(keyOf(ev), b.markers.length - 1);
        b.madeHere('thread', ev[2], num(asData(ev[6]), 'obj'));
      },
      thread_begin(ev, ts) {
        learnName(ev);
        const here = b.marker('thread_begin', ev, ts);
        const d = asData(ev[6]);
        const key = keyOf(ev);
        const L = b.lanes[here.lane];
        L.name = b.threadNames.get(key) ?? L.name;
        L.internal = bool(d, 'internal') === true;
        if (bool(d, 'daemon') !== undefined) L.info.daemon = bool(d, 'daemon') ? 'yes' : 'no';
        const nid = num(d, 'native_id');
        if (nid !== undefined) L.info['native id'] = String(nid);
        const from = starts.get(key);
        if (from) b.flow('start', from, here);
        // The starter waited in Thread.start from its start until now (the new thread signals that it
        // began as it begins): a wait band, not time that looks like the starter's own work (an executor
        // starting its worker: ~8 ms).
        const start = startMarkers.get(key);
        startMarkers.delete(key);
        if (from && start !== undefined && from.lane !== here.lane && ts > from.ts) b.markers[start].waitEnd = ts;
      },
      thread_end(ev, ts) {
        const here = b.marker('thread_end', ev, ts);
        const L = b.lanes[here.lane];
        if (b.endedOnItsOwn(ev)) L.ended = true;
        ends.set(keyOf(ev), here);
        const error = str(asData(ev[6]), 'error');
        if (error) L.info.error = clip(error, 300);
      },
      thread_join(ev, ts) {
        b.marker('thread_join', ev, ts);
      },
      thread_joined(ev, ts) {
        const here = b.marker('thread_joined', ev, ts);
        const from = ends.get(keyOf(ev));
        if (from && bool(asData(ev[6]), 'alive') !== true) b.flow('join', from, here);
      },
    },
  };
};
