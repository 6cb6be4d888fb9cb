/** Queues (threading, asyncio, multiprocessing): each get → the put of the item it received. */
import { asData, bool, num } from '../rawData';
import type { FamilyOf } from './handler';
import type { Point } from './state';

export const queues: FamilyOf<'queue_put' | 'queue_get_wait' | 'queue_get'> = (b) => {
  /** Puts not yet got, by "object#sender pid#item": item numbers count per process, so a shared queue's item is named by its sender too. */
  const puts = new Map<string, Point>();
  return {
    handlers: {
      queue_put(ev, ts) {
        const here = b.marker('queue_put', ev, ts);
        const d = asData(ev[6]);
        puts.set(`${b.objKey(ev[2], d)}#${ev[2]}#${num(d, 'item') ?? 0}`, here);
      },
      queue_get_wait(ev, ts) {
        b.marker('queue_get_wait', ev, ts);
      },
      queue_get(ev, ts) {
        const here = b.marker('queue_get', ev, ts);
        const d = asData(ev[6]);
        const item = num(d, 'item') ?? 0;
        if (bool(d, 'ok') === false || item <= 0) return;
        const key = `${b.objKey(ev[2], d)}#${num(d, 'from_pid') ?? ev[2]}#${item}`;
        const from = puts.get(key);
        if (from) {
          puts.delete(key);
          b.flow('put', from, here);
        }
      },
    },
  };
};
