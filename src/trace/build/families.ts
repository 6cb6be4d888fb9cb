/**
 * The event handlers of every family, joined into one table: each event kind has exactly one handler
 * (the compiler asks for a new kind's; test/unit/buildFamilies.test.ts checks no two families share one).
 */
import type { EventKind } from '../../shared/eventKinds';
import type { Handle, Handlers } from './handler';
import { io } from './io';
import { locks } from './locks';
import { objects } from './objects';
import { output } from './output';
import { processes } from './processes';
import { queues } from './queues';
import { races } from './races';
import { signals } from './signals';
import { sleeps } from './sleeps';
import { spans } from './spans';
import type { BuildState } from './state';
import { tasks } from './tasks';
import { threads } from './threads';
import { work } from './work';

export const FAMILIES = {
  spans,
  sleeps,
  threads,
  processes,
  tasks,
  objects,
  locks,
  signals,
  queues,
  io,
  work,
  output,
  races,
} as const;

/** Every kind's handler over `b`, and what runs after the last event. */
export function makeHandlers(b: BuildState): { handlers: ReadonlyMap<string, Handle>; finish: () => void } {
  const f = {
    spans: spans(b),
    sleeps: sleeps(b),
    threads: threads(b),
    processes: processes(b),
    tasks: tasks(b),
    objects: objects(b),
    locks: locks(b),
    signals: signals(b),
    queues: queues(b),
    io: io(b),
    work: work(b),
    output: output(b),
    races: races(b),
  } satisfies Record<keyof typeof FAMILIES, unknown>;
  const all = {
    ...f.spans.handlers,
    ...f.sleeps.handlers,
    ...f.threads.handlers,
    ...f.processes.handlers,
    ...f.tasks.handlers,
    ...f.objects.handlers,
    ...f.locks.handlers,
    ...f.signals.handlers,
    ...f.queues.handlers,
    ...f.io.handlers,
    ...f.work.handlers,
    ...f.output.handlers,
    ...f.races.handlers,
  } satisfies Handlers<EventKind>;
  return {
    // A Map: a kind read from the stream never reaches Object.prototype's names.
    handlers: new Map<string, Handle>(Object.entries(all)),
    finish: () => {
      for (const family of Object.values<{ finish?: () => void }>(f)) family.finish?.();
    },
  };
}
