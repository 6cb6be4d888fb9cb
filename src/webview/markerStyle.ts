/** How each marker kind looks and which filter category it belongs to. Pure. */
import type { MarkerKind } from '../shared/traceModel';

export type MarkerShape = 'triangle' | 'diamond' | 'circle' | 'square' | 'bar' | 'cross' | 'dot';
export type MarkerCategory =
  'lifecycle' | 'task' | 'lock' | 'event' | 'queue' | 'future' | 'sleep' | 'io' | 'print' | 'race' | 'exception';
/** Theme colour roles; the theme module maps them to --vscode-charts-* colours. */
export type ColorRole =
  'blue' | 'purple' | 'orange' | 'yellow' | 'green' | 'cyan' | 'muted' | 'foreground' | 'error' | 'warning';

export interface MarkerStyle {
  shape: MarkerShape;
  category: MarkerCategory;
  color: ColorRole;
}

const CATEGORY_STYLE: Record<MarkerCategory, { shape: MarkerShape; color: ColorRole }> = {
  lifecycle: { shape: 'triangle', color: 'blue' },
  task: { shape: 'circle', color: 'purple' },
  lock: { shape: 'square', color: 'orange' },
  event: { shape: 'diamond', color: 'yellow' },
  queue: { shape: 'circle', color: 'green' },
  future: { shape: 'triangle', color: 'purple' },
  sleep: { shape: 'bar', color: 'muted' },
  io: { shape: 'bar', color: 'cyan' },
  print: { shape: 'dot', color: 'foreground' },
  race: { shape: 'diamond', color: 'warning' },
  exception: { shape: 'cross', color: 'error' },
};

export const MARKER_CATEGORIES: { id: MarkerCategory; label: string }[] = [
  { id: 'lifecycle', label: 'Start / join / end' },
  { id: 'task', label: 'asyncio tasks & awaits' },
  { id: 'lock', label: 'Locks' },
  { id: 'event', label: 'Events, conditions, barriers' },
  { id: 'queue', label: 'Queues' },
  { id: 'future', label: 'Futures' },
  { id: 'sleep', label: 'Sleeps' },
  { id: 'io', label: 'I/O calls' },
  { id: 'print', label: 'Prints' },
  { id: 'race', label: 'Data races' },
  { id: 'exception', label: 'Exceptions & limits' },
];

export function markerCategory(kind: MarkerKind): MarkerCategory {
  if (kind.startsWith('thread_') || kind.startsWith('proc_') || kind === 'sched_pick') return 'lifecycle';
  if (kind.startsWith('task_') || kind === 'await' || kind === 'awake') return 'task';
  if (kind.startsWith('lock_')) return 'lock';
  if (kind.startsWith('event_') || kind.startsWith('cond_') || kind.startsWith('barrier_')) return 'event';
  if (kind.startsWith('queue_')) return 'queue';
  if (kind.startsWith('future_') || kind.startsWith('result_')) return 'future';
  if (kind === 'sleep' || kind === 'slept') return 'sleep';
  if (kind === 'io_wait' || kind === 'io_done') return 'io';
  if (kind === 'print') return 'print';
  if (kind === 'shared_access') return 'race';
  return 'exception';
}

export function markerStyle(kind: MarkerKind, severity: 'info' | 'warn' | 'error'): MarkerStyle {
  const category = markerCategory(kind);
  const base = CATEGORY_STYLE[category];
  const color: ColorRole =
    severity === 'error' ? 'error' : severity === 'warn' ? 'warning' : kind === 'limit' ? 'warning' : base.color;
  return { shape: base.shape, category, color };
}
