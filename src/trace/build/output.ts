/** What the program printed, its exceptions, the tracer's limits and their summary, and the explorer's picks. */
import { asData, clip, num, str } from '../rawData';
import type { FamilyOf } from './handler';

/** Longest output line kept in the model (the supervisor's raw stdout keeps everything up to its cap). */
const MAX_OUTPUT_LINE = 10_000;

export const output: FamilyOf<'print' | 'exc' | 'limit' | 'summary' | 'sched_pick'> = (b) => ({
  handlers: {
    print(ev, ts) {
      const here = b.marker('print', ev, ts);
      const d = asData(ev[6]);
      const stream = str(d, 'stream') === 'stderr' ? 'stderr' : 'stdout';
      b.output.push({ order: here.order, ts, lane: here.lane, stream, text: clip(str(d, 'text'), MAX_OUTPUT_LINE) });
    },
    exc(ev, ts) {
      b.marker('exc', ev, ts);
    },
    limit(ev, ts) {
      b.marker('limit', ev, ts);
    },
    sched_pick(ev, ts) {
      b.marker('sched_pick', ev, ts);
    },
    summary(ev) {
      const d = asData(ev[6]);
      b.droppedEvents += Math.max(0, num(d, 'dropped_events') ?? 0);
      for (const v of Object.values(asData(d.suppressed_calls))) if (typeof v === 'number' && v > 0) b.suppressedCalls += v;
    },
  },
});
