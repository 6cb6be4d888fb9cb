// Small raw streams shared by the model and export tests.
import { RawStream } from './rawStream';

/** asyncio.run(main()): main creates fetch-a, awaits it; fetch-a waits for an Event set by an internal thread. */
export function asyncioStream(): RawStream {
  const s = new RawStream(7);
  s.ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'code', { id: 1, name: 'main', qualname: 'main', file: '/p/a.py', line: 3 })
    .ev(1, 0, 'code', { id: 2, name: 'fetch', qualname: 'fetch', file: '/p/a.py', line: 8 })
    .ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', parent: 0, internal: false })
    .ev(1, 1, 'call', [1, 0, 3])
    .ev(1, 1, 'task_create', { obj: 2, name: 'fetch-a', coro: 'fetch', parent: 1, internal: false })
    .ev(1, 1, 'await', { target: 2, what: 'task' })
    .ev(1, 1, 'yield', [1, 100, 2])
    .ev(1, 2, 'call', [2, 100, 8])
    .ev(1, 2, 'event_wait', { obj: 5, prim: 'asyncio.Event' })
    .ev(1, 2, 'yield', [2, 150, 0])
    .ev(2, 0, 'thread_begin', { obj: 9, name: 'asyncio_0', daemon: true, internal: true, ident: 1, native_id: 2 })
    .ev(2, 0, 'event_set', { obj: 5, prim: 'asyncio.Event' })
    .ev(1, 2, 'resume', [2, 160])
    .ev(1, 2, 'event_woken', { obj: 5, prim: 'asyncio.Event', ok: true, waited_ns: 5000 })
    .ev(1, 2, 'print', { stream: 'stdout', text: 'fetched' })
    .ev(1, 2, 'return', [2, 200])
    .ev(1, 2, 'task_done', { obj: 2, state: 'ok' })
    .ev(1, 1, 'resume', [1, 210])
    .ev(1, 1, 'awake', { target: 2 })
    .ev(1, 1, 'exc', { type: 'ValueError', msg: '<b>bad</b>', file: '/p/a.py', line: 5, uncaught: true, where: 'task' })
    .ev(1, 1, 'return', [1, 300])
    .ev(1, 1, 'task_done', { obj: 1, state: 'error', error: 'ValueError: <b>bad</b>' });
  return s;
}

export const RACE_FILE = '/p/race_condition.py';

/** Main starts two threads; each reads Counter.value at L31 and writes it at L33; a race event names two accesses. */
export function racyStream(race: { first: number; second: number } | null, target = 'Counter.value'): RawStream {
  const s = new RawStream(100).mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: 'work', qualname: 'work', file: RACE_FILE, line: 29 });
  for (const [tid, name, obj] of [
    [2, 'unsafe-0', 7],
    [3, 'unsafe-1', 8],
  ] as const) {
    s.ev(1, 0, 'thread_start', { obj, name, daemon: false, internal: false });
    s.ev(tid, 0, 'thread_begin', { obj, name, daemon: false, internal: false, ident: tid, native_id: tid });
    s.ev(tid, 0, 'call', [1, 0, 29]);
  }
  // ids 1 and 2: unsafe-0 reads, unsafe-1 reads; 3: unsafe-0 writes; 4: unsafe-1 writes
  s.ev(2, 0, 'shared_access', { id: 1, line: 31, kind: 'read' });
  s.ev(3, 0, 'shared_access', { id: 2, line: 31, kind: 'read' });
  s.ev(2, 0, 'shared_access', { id: 3, line: 33, kind: 'write' });
  if (race) {
    const side = (id: number): Record<string, unknown> => ({
      id,
      lane: id % 2 === 1 ? 'unsafe-0' : 'unsafe-1',
      line: id <= 2 ? 31 : 33,
      kind: id <= 2 ? 'read' : 'write',
      file: RACE_FILE,
    });
    s.ev(2, 0, 'race', { target, first: side(race.first), second: side(race.second) });
  }
  s.ev(3, 0, 'shared_access', { id: 4, line: 33, kind: 'write' });
  return s;
}
