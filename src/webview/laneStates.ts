/**
 * What a lane is doing between its events, for drawing and the legend: on CPU, off CPU, waiting on a
 * kind of object, sleeping. Pure (no DOM).
 */
import type { MarkerKind } from '../shared/traceModel';
import type { ColorRole } from './markerStyle';

export type WaitState = 'lock' | 'queue' | 'event' | 'future' | 'join' | 'sleep';

/** The marker kinds that begin a blocking wait, and what the lane then waits on. */
const WAIT_OF: Partial<Record<MarkerKind, WaitState>> = {
  lock_wait: 'lock',
  queue_get_wait: 'queue',
  event_wait: 'event',
  cond_wait: 'event',
  barrier_wait: 'event',
  await: 'future',
  thread_join: 'join',
  proc_join: 'join',
  sleep: 'sleep',
};

export function waitState(kind: MarkerKind): WaitState | undefined {
  return WAIT_OF[kind];
}

export const WAIT_STYLE: Record<WaitState, { label: string; color: ColorRole; dashed: boolean }> = {
  lock: { label: 'waiting on a lock', color: 'orange', dashed: false },
  queue: { label: 'waiting on a queue', color: 'green', dashed: false },
  event: { label: 'waiting on an event / condition', color: 'yellow', dashed: false },
  future: { label: 'awaiting a task / future', color: 'purple', dashed: false },
  join: { label: 'waiting for a thread / process to end', color: 'blue', dashed: false },
  sleep: { label: 'sleeping', color: 'muted', dashed: true },
};

/**
 * The end of a wait after its cause happened (the lock was released, the item put, the task done, the
 * sleep's time up) until the lane ran again: ready, waiting for the GIL or for the event loop. Drawn as a
 * hollow band.
 */
export const RUNNABLE_STYLE: { label: string; color: ColorRole } = {
  label: 'runnable (ready, not yet running)',
  color: 'foreground',
};

/** Wait states in legend order. */
export const WAIT_STATES = Object.keys(WAIT_STYLE) as WaitState[];
