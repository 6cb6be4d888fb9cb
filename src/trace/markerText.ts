/**
 * Human text for markers: the one-line label of the step list and canvas, and the hover details.
 * Everything here may contain program-controlled strings; the webview renders it as text.
 */
import type { Marker, MarkerKind } from '../shared/traceModel';
import { clip, formatNs, num, str, bool, type Data } from './rawData';

export interface NameLookup {
  thread(pid: number, obj: number): string | undefined;
  task(pid: number, obj: number): string | undefined;
  process(pid: number, obj: number, childPid: number | undefined): string | undefined;
  /** Qualified name of a traced function by its per-process code id. */
  code(pid: number, id: number): string | undefined;
}

export interface MarkerText {
  label: string;
  severity: Marker['severity'];
  detail: Record<string, string>;
}

function prim(d: Data): string {
  const p = clip(str(d, 'prim', 'object'), 60);
  const obj = num(d, 'obj');
  return obj === undefined ? p : `${p} #${obj}`;
}

function waited(d: Data): string {
  const w = num(d, 'waited_ns');
  return w === undefined ? '' : ` (waited ${formatNs(w)})`;
}

function quoted(name: string | undefined, fallback: string): string {
  return name === undefined || name === '' ? fallback : `"${clip(name, 80)}"`;
}

/** Copies the scalar fields of `d` into hover details (nested values are summarised). */
function details(d: Data): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(d)) {
    if (n++ >= 20) break;
    if (typeof v === 'string') out[clip(k, 40)] = clip(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[clip(k, 40)] = String(v);
    else if (v === null) out[clip(k, 40)] = 'none';
    else out[clip(k, 40)] = clip(JSON.stringify(v) ?? '', 200);
  }
  const w = num(d, 'waited_ns');
  if (w !== undefined) out.waited = formatNs(w);
  return out;
}

export function markerText(kind: MarkerKind, d: Data, pid: number, names: NameLookup): MarkerText {
  const obj = num(d, 'obj') ?? -1;
  const detail = details(d);
  let severity: Marker['severity'] = 'info';
  let label: string;
  switch (kind) {
    case 'thread_start': label = `start thread ${quoted(str(d, 'name'), `#${obj}`)}`; break;
    case 'thread_begin': label = `thread ${quoted(str(d, 'name'), `#${obj}`)} begins`; break;
    case 'thread_end': {
      const err = str(d, 'error');
      label = `thread ${quoted(names.thread(pid, obj), `#${obj}`)} ends${err ? ` with ${clip(err, 200)}` : ''}`;
      if (err) severity = 'error';
      break;
    }
    case 'thread_join': label = `join thread ${quoted(names.thread(pid, obj), `#${obj}`)}`; break;
    case 'thread_joined': {
      const alive = bool(d, 'alive') === true;
      label = `joined thread ${quoted(names.thread(pid, obj), `#${obj}`)}${alive ? ' (timed out, still alive)' : ''}`;
      if (alive) severity = 'warn';
      break;
    }
    case 'proc_start': label = `start process ${quoted(str(d, 'name'), `#${obj}`)}${str(d, 'method') ? ` (${clip(str(d, 'method'), 20)})` : ''}`; break;
    case 'proc_begin': label = `process ${quoted(str(d, 'name'), `pid ${pid}`)} begins (pid ${pid})`; break;
    case 'proc_end': {
      const code = num(d, 'exitcode');
      label = `process ends${code === undefined ? '' : ` with exit code ${code}`}`;
      if (code !== undefined && code !== 0) severity = 'warn';
      break;
    }
    case 'proc_join': label = `join process ${quoted(names.process(pid, obj, num(d, 'child_pid')), `#${obj}`)}`; break;
    case 'proc_joined': {
      const code = num(d, 'exitcode');
      label = `joined process ${quoted(names.process(pid, obj, num(d, 'child_pid')), `#${obj}`)}${code === undefined || code === null ? '' : ` (exit code ${code})`}`;
      break;
    }
    case 'task_create': label = `create task ${quoted(str(d, 'name'), `#${obj}`)}${str(d, 'coro') ? ` running ${clip(str(d, 'coro'), 80)}()` : ''}`; break;
    case 'task_done': {
      const state = str(d, 'state', 'ok');
      const err = str(d, 'error');
      label = `task ${quoted(names.task(pid, obj), `#${obj}`)} ${state === 'ok' ? 'done' : state}${err ? `: ${clip(err, 200)}` : ''}`;
      if (state === 'error') severity = 'error';
      else if (state === 'cancelled') severity = 'warn';
      break;
    }
    case 'task_cancel': label = `cancel task ${quoted(names.task(pid, obj), `#${obj}`)}`; break;
    case 'task_name': label = `rename task ${quoted(names.task(pid, obj), `#${obj}`)} to ${quoted(str(d, 'name'), '""')}`; break;
    case 'await': {
      const target = num(d, 'target') ?? 0;
      const what = str(d, 'what', 'other');
      const name = str(d, 'name') || (what === 'task' ? names.task(pid, target) : undefined);
      label = `await ${clip(what, 20)}${name ? ` ${quoted(name, '')}` : target ? ` #${target}` : ''}`;
      break;
    }
    case 'awake': {
      const target = num(d, 'target') ?? 0;
      const name = names.task(pid, target);
      label = `resumed after ${name ? `task ${quoted(name, '')}` : target ? `#${target}` : 'await'}`;
      break;
    }
    case 'lock_wait': label = `wait for ${prim(d)}`; break;
    case 'lock_acquired': {
      const ok = bool(d, 'ok') !== false;
      label = ok ? `acquire ${prim(d)}${waited(d)}` : `acquire ${prim(d)} failed${waited(d)}`;
      if (!ok) severity = 'warn';
      if (bool(d, 'contended') === true) detail.contended = 'yes';
      break;
    }
    case 'lock_release': label = `release ${prim(d)}`; break;
    case 'event_set': label = `set ${prim(d)}`; break;
    case 'event_clear': label = `clear ${prim(d)}`; break;
    case 'event_wait': label = `wait on ${prim(d)}`; break;
    case 'event_woken': {
      const ok = bool(d, 'ok') !== false;
      label = `${prim(d)} ${ok ? 'is set' : 'wait timed out'}${waited(d)}`;
      if (!ok) severity = 'warn';
      break;
    }
    case 'cond_notify': {
      const n = num(d, 'n');
      label = `notify${n === -1 ? '_all' : n !== undefined && n !== 1 ? `(${n})` : ''} ${prim(d)}`;
      break;
    }
    case 'cond_wait': label = `wait on ${prim(d)}`; break;
    case 'cond_woken': {
      const ok = bool(d, 'ok') !== false;
      label = `${ok ? 'notified by' : 'wait timed out on'} ${prim(d)}${waited(d)}`;
      if (!ok) severity = 'warn';
      break;
    }
    case 'barrier_wait': label = `wait at ${prim(d)}${num(d, 'parties') !== undefined ? ` (${num(d, 'parties')} parties)` : ''}`; break;
    case 'barrier_pass': {
      const ok = bool(d, 'ok') !== false;
      label = ok ? `pass ${prim(d)}${waited(d)}` : `${prim(d)} broken${waited(d)}`;
      if (!ok) severity = 'warn';
      break;
    }
    case 'queue_put': label = `put item ${num(d, 'item') ?? '?'} into ${prim(d)}`; break;
    case 'queue_get_wait': label = `wait for an item from ${prim(d)}`; break;
    case 'queue_get': {
      const ok = bool(d, 'ok') !== false;
      const item = num(d, 'item') ?? 0;
      label = ok ? `get item ${item || '?'} from ${prim(d)}${waited(d)}` : `get from ${prim(d)} failed (empty)${waited(d)}`;
      if (!ok) severity = 'warn';
      break;
    }
    case 'future_submit': label = `submit ${clip(str(d, 'fn', 'function'), 80)}() to ${clip(str(d, 'executor', 'executor'), 60)}`; break;
    case 'future_done': {
      const state = str(d, 'state', 'ok');
      label = `future #${obj} ${state === 'ok' ? 'done' : clip(state, 20)}`;
      if (state === 'error') severity = 'warn';
      break;
    }
    case 'sleep': label = `sleep ${num(d, 'secs') ?? '?'} s`; break;
    case 'slept': label = `woke after sleep ${num(d, 'secs') ?? '?'} s`; break;
    case 'print': {
      const stream = str(d, 'stream', 'stdout');
      label = `${stream === 'stderr' ? 'stderr' : 'print'}: ${clip(str(d, 'text'), 200)}`;
      break;
    }
    case 'exc': {
      const uncaught = bool(d, 'uncaught') === true;
      label = `${uncaught ? 'uncaught ' : ''}${clip(str(d, 'type', 'Exception'), 80)}${str(d, 'msg') ? `: ${clip(str(d, 'msg'), 200)}` : ''}`;
      severity = uncaught ? 'error' : 'warn';
      break;
    }
    case 'limit': {
      const what = str(d, 'what');
      const fn = names.code(pid, num(d, 'code') ?? -1);
      const budget = num(d, 'budget');
      label = what === 'events'
        ? 'event cap reached: later events are counted, not recorded'
        : `call budget${budget !== undefined ? ` of ${budget}` : ''} reached${fn ? ` for ${clip(fn, 80)}()` : ''}: later calls are not recorded`;
      severity = 'warn';
      break;
    }
  }
  return { label, severity, detail };
}
