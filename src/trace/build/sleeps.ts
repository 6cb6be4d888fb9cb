/** time.sleep and asyncio.sleep. */
import { at } from '../rawData';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import { closeSpan, openSpan } from './spans';

export const sleeps: FamilyOf<'sleep' | 'slept'> = (b) => ({
  handlers: {
    // An asyncio.sleep that suspends a recorded coroutine frame has data [codeId, cpuNs, secs, line]: it
    // stands for that frame's yield too (right after it).
    sleep(ev, ts) {
      if (!Array.isArray(ev[6])) {
        b.marker('sleep', ev, ts);
        return;
      }
      const payload = ev[6];
      const marker: RawEvent = [
        ev[0],
        ev[1],
        ev[2],
        ev[3],
        ev[4],
        'sleep',
        { secs: at(payload, 2) ?? 0, line: at(payload, 3) ?? 0 },
      ];
      const lane = b.laneOf(ev[2], ev[3], ev[4], ts);
      b.marker('sleep', marker, ts);
      closeSpan(b, lane, ts, [at(payload, 0) ?? -1, at(payload, 1) ?? -1]);
    },
    // Its wake, [codeId, cpuNs, secs], stands for the frame's resume too (right before it, a step of its own).
    slept(ev, ts) {
      if (!Array.isArray(ev[6])) {
        b.marker('slept', ev, ts);
        return;
      }
      const payload = ev[6];
      const marker: RawEvent = [ev[0], ev[1], ev[2], ev[3], ev[4], 'slept', { secs: at(payload, 2) ?? 0 }];
      const lane = b.laneOf(ev[2], ev[3], ev[4], ts);
      b.touch(lane, { lane, ts, order: b.order });
      openSpan(b, lane, ts, ev[2], [at(payload, 0) ?? -1, at(payload, 1) ?? -1], true);
      b.order++;
      b.marker('slept', marker, ts);
    },
  },
});
