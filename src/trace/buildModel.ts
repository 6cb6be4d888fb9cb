/**
 * Raw events (already merged into global order) → TraceModel. One pass over the events, each applied
 * by the handler of its kind (src/trace/build: one file per primitive family over the shared
 * bookkeeping of build/state.ts), then build/finish.ts puts lanes into tree order and assembles the
 * model. Nothing in the stream is trusted: unknown codes, unmatched returns, odd data shapes are all
 * tolerated.
 */
import type { TraceModel } from '../shared/traceModel';
import type { RawEvent } from './schema';
import { makeHandlers } from './build/families';
import { finishModel } from './build/finish';
import type { BuildOptions } from './build/options';
import { BuildState } from './build/state';

export type { BuildOptions } from './build/options';
export { stillRunning } from './build/finish';

export function buildModel(events: readonly RawEvent[], opts: BuildOptions = {}): TraceModel {
  const b = new BuildState(opts);
  b.stream = events;
  const { handlers, finish } = makeHandlers(b);
  b.apply = (ev, ts) => handlers.get(ev[5])?.(ev, ts);
  b.t0 = events.length > 0 ? events[0][1] : 0;
  for (let i = 0; i < events.length; i++, b.order++) {
    const ev = events[i];
    b.count(ev[5]);
    handlers.get(ev[5])?.(ev, ev[1] - b.t0);
  }
  finish();
  return finishModel(b, events, opts);
}
