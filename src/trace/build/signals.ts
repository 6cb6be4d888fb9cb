/** Events, conditions and barriers: the latest set/notify/arrival per object wakes the waiters that follow. */
import { asData, bool } from '../rawData';
import type { FlowKind } from '../../shared/traceModel';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import type { Point } from './state';

type SignalKind = 'event_set' | 'cond_notify' | 'barrier_wait';
type WokenKind = 'event_woken' | 'cond_woken' | 'barrier_pass';

/** A wake-up event → the event kind that caused it and the flow drawn between them. */
const WOKEN_BY: Readonly<Record<WokenKind, [SignalKind, FlowKind]>> = {
  event_woken: ['event_set', 'set'],
  cond_woken: ['cond_notify', 'notify'],
  barrier_pass: ['barrier_wait', 'barrier'],
};

export const signals: FamilyOf<SignalKind | WokenKind | 'event_clear' | 'event_wait' | 'cond_wait'> = (b) => {
  const lastSignal = new Map<string, Point>();
  const signal =
    (kind: SignalKind) =>
    (ev: RawEvent, ts: number): void => {
      lastSignal.set(`${kind}|${b.objKey(ev[2], asData(ev[6]))}`, b.marker(kind, ev, ts));
    };
  const woken =
    (kind: WokenKind) =>
    (ev: RawEvent, ts: number): void => {
      const here = b.marker(kind, ev, ts);
      const d = asData(ev[6]);
      const [cause, flowKind] = WOKEN_BY[kind];
      const from = lastSignal.get(`${cause}|${b.objKey(ev[2], d)}`);
      if (bool(d, 'ok') !== false && from && from.lane !== here.lane) b.flow(flowKind, from, here);
    };
  const wait =
    (kind: 'event_clear' | 'event_wait' | 'cond_wait') =>
    (ev: RawEvent, ts: number): void => {
      b.marker(kind, ev, ts);
    };
  return {
    handlers: {
      event_set: signal('event_set'),
      event_clear: wait('event_clear'),
      event_wait: wait('event_wait'),
      event_woken: woken('event_woken'),
      cond_notify: signal('cond_notify'),
      cond_wait: wait('cond_wait'),
      cond_woken: woken('cond_woken'),
      barrier_wait: signal('barrier_wait'),
      barrier_pass: woken('barrier_pass'),
    },
  };
};
