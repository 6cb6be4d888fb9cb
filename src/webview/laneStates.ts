/**
 * What a lane is doing between its events, for drawing and the legend: on CPU, off CPU, waiting on a
 * kind of object, sleeping. Pure (no DOM).
 */
import type { MarkerKind } from '../shared/traceModel';
import type { ColorRole } from './markerStyle';

export type WaitState = 'lock' | 'queue' | 'event' | 'future' | 'join' | 'io' | 'sleep' | 'startup';

/** The marker kinds that begin a blocking wait, and what the lane then waits on. */
const WAIT_OF: Partial<Record<MarkerKind, WaitState>> = {
  lock_wait: 'lock',
  queue_get_wait: 'queue',
  event_wait: 'event',
  cond_wait: 'event',
  barrier_wait: 'event',
  await: 'future',
  result_wait: 'future',
  thread_start: 'join', // (Thread.start waits until the new thread begins; never stuck: see canBeStuckIn)
  thread_join: 'join',
  proc_join: 'join',
  io_wait: 'io',
  sleep: 'sleep',
  proc_begin: 'startup', // (a child process's start-up: until its first step; see build/processes.ts)
};

export function waitState(kind: MarkerKind): WaitState | undefined {
  return WAIT_OF[kind];
}

/**
 * Whether a lane whose last event is this wait was stuck in it. A thread's start is a wait only once the
 * new thread began (the model then ends it): a lane that starts a thread and then computes to the end is
 * not stuck.
 */
export function canBeStuckIn(kind: MarkerKind): boolean {
  return WAIT_OF[kind] !== undefined && kind !== 'thread_start' && kind !== 'proc_begin';
}

/** How a wait band is drawn: one bar, dashes (sleeping: nobody else is involved) or two thin lines (in I/O). */
export type BandPattern = 'solid' | 'dashed' | 'double';

/** A 'dashed' band: dashes DASH_W px long, one every DASH_STEP px (the canvas and the legend's swatch). */
export const DASH_W = 3;
export const DASH_STEP = 6;

export const WAIT_STYLE: Record<
  WaitState,
  {
    label: string;
    color: ColorRole;
    pattern: BandPattern;
    /** Written on the band instead of its step's text. */ bandLabel?: string;
  }
> = {
  lock: { label: 'waiting on a lock', color: 'orange', pattern: 'solid' },
  queue: { label: 'waiting on a queue', color: 'green', pattern: 'solid' },
  event: { label: 'waiting on an event / condition', color: 'yellow', pattern: 'solid' },
  future: { label: 'awaiting a task / future / pool results', color: 'purple', pattern: 'solid' },
  join: { label: 'waiting: thread / process start, end', color: 'blue', pattern: 'solid' },
  // A blocking I/O call (socket, pipe, select, input) or asyncio's event loop idle in its selector.
  // 3.8-3.11 see only the program's own I/O calls (tracer io_sites), not the loop's idle wait.
  io: { label: 'in I/O (socket, pipe, select) / event loop idle', color: 'cyan', pattern: 'double' },
  sleep: { label: 'sleeping', color: 'muted', pattern: 'dashed' },
  // Not a wait: the process is busy starting (bootstrap, tracer set-up, for spawn the interpreter and
  // imports) before its first step. Labelled on the band itself, so not in the legend.
  startup: {
    label: 'process start-up',
    color: 'muted',
    pattern: 'solid',
    bandLabel: 'process start-up (before its first step)',
  },
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

/** Wait states in legend order (a band that names itself is left out). */
export const WAIT_STATES = (Object.keys(WAIT_STYLE) as WaitState[]).filter(
  (w) => WAIT_STYLE[w].bandLabel === undefined,
);
