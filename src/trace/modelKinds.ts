/** Runtime lists of the trace model's string unions, checked against the types so they cannot drift. */
import type { FlowKind, LaneKind, MarkerKind, RunError } from '../shared/traceModel';

type Exhaustive<U extends string, L extends readonly U[]> = [U] extends [L[number]] ? L : never;

const markerKinds = [
  'thread_start', 'thread_begin', 'thread_end', 'thread_join', 'thread_joined',
  'proc_start', 'proc_begin', 'proc_end', 'proc_join', 'proc_joined',
  'task_create', 'task_done', 'task_cancel', 'task_name', 'await', 'awake',
  'lock_wait', 'lock_acquired', 'lock_release', 'event_set', 'event_clear', 'event_wait', 'event_woken',
  'cond_notify', 'cond_wait', 'cond_woken', 'barrier_wait', 'barrier_pass',
  'queue_put', 'queue_get_wait', 'queue_get', 'future_submit', 'future_done', 'sleep', 'slept', 'print', 'exc', 'limit',
] as const satisfies readonly MarkerKind[];
export const MARKER_KINDS: ReadonlySet<string> = new Set<string>(markerKinds satisfies Exhaustive<MarkerKind, typeof markerKinds>);

const flowKinds = ['start', 'join', 'release', 'put', 'set', 'notify', 'done', 'await', 'submit', 'barrier'] as const satisfies readonly FlowKind[];
export const FLOW_KINDS: ReadonlySet<string> = new Set<string>(flowKinds satisfies Exhaustive<FlowKind, typeof flowKinds>);

const laneKinds = ['process', 'thread', 'task'] as const satisfies readonly LaneKind[];
export const LANE_KINDS: ReadonlySet<string> = new Set<string>(laneKinds satisfies Exhaustive<LaneKind, typeof laneKinds>);

const errorCodes = [
  'python-missing', 'python-too-old', 'syntax-error', 'timeout', 'cancelled', 'event-cap', 'unguarded-process', 'spawn-failed',
  'output-cap', 'crashed', 'tracer-failed', 'uncaught-exception',
] as const satisfies readonly RunError['code'][];
export const ERROR_CODES: ReadonlySet<string> = new Set<string>(errorCodes satisfies Exhaustive<RunError['code'], typeof errorCodes>);
