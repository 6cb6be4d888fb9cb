/** Locks, RLocks and semaphores (threading, asyncio, multiprocessing): a release → the acquire it let in. */
import { asData, bool } from '../rawData';
import type { FamilyOf } from './handler';
import type { Point } from './state';

export const locks: FamilyOf<'lock_wait' | 'lock_acquired' | 'lock_release'> = (b) => {
  /** The release no acquire has followed yet, per object. */
  const lastRelease = new Map<string, Point>();
  return {
    handlers: {
      lock_wait(ev, ts) {
        b.marker('lock_wait', ev, ts);
      },
      lock_acquired(ev, ts) {
        const here = b.marker('lock_acquired', ev, ts);
        const d = asData(ev[6]);
        if (bool(d, 'ok') === false) return;
        const key = b.objKey(ev[2], d);
        const from = lastRelease.get(key);
        if (from) {
          lastRelease.delete(key);
          if (from.lane !== here.lane) b.flow('release', from, here);
        }
      },
      lock_release(ev, ts) {
        lastRelease.set(b.objKey(ev[2], asData(ev[6])), b.marker('lock_release', ev, ts));
      },
    },
  };
};
