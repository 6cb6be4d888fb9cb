/** Blocking I/O calls (io_wait → io_done: a wait bar, like a lock's) and asyncio's event loop idle in its selector. */
import type { FamilyOf } from './handler';

export const io: FamilyOf<'io_wait' | 'io_done'> = (b) => ({
  handlers: {
    io_wait(ev, ts) {
      b.marker('io_wait', ev, ts);
    },
    io_done(ev, ts) {
      b.marker('io_done', ev, ts);
    },
  },
});
