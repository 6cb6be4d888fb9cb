/**
 * The interface of the event handlers: each primitive family (src/trace/build/*.ts) gives one function
 * per event kind it owns, made per build so its bookkeeping lives in its closure.
 */
import type { EventKind } from '../../shared/eventKinds';
import type { RawEvent } from '../schema';
import type { BuildState } from './state';

/** Applies one event (at `ts`, relative to the first event) to the model being built. */
export type Handle = (ev: RawEvent, ts: number) => void;

/** A family's handlers: one for each kind it owns. */
export type Handlers<K extends EventKind> = Record<K, Handle>;

/** Makes a family's handlers over the shared state; `finish` runs after the last event. */
export interface Family<K extends EventKind> {
  handlers: Handlers<K>;
  finish?: () => void;
}

export type FamilyOf<K extends EventKind> = (b: BuildState) => Family<K>;
