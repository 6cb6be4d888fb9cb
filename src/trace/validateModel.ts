/**
 * Strict shape check of a TraceModel read from an untrusted file (Open Trace…). Every index the
 * webview will follow (lane, source, span/marker refs) is bounds-checked here, so a crafted file
 * cannot make the timeline read outside its arrays. Returns an error text naming the bad field.
 */
import { MARKER_KINDS as MARKER_LIST } from '../shared/eventKinds';
import {
  ERROR_CODES as ERROR_LIST,
  FLOW_KINDS as FLOW_LIST,
  LANE_KINDS as LANE_LIST,
  SEVERITIES as SEVERITY_LIST,
  TRACE_MODEL_VERSION,
  type TraceModel,
} from '../shared/traceModel';

const MAX_ITEMS = 20_000_000;
const MAX_STRING = 1_000_000;
const SEVERITIES: ReadonlySet<string> = new Set(SEVERITY_LIST);
const MARKER_KINDS: ReadonlySet<string> = new Set(MARKER_LIST);
const FLOW_KINDS: ReadonlySet<string> = new Set(FLOW_LIST);
const LANE_KINDS: ReadonlySet<string> = new Set(LANE_LIST);
const ERROR_CODES: ReadonlySet<string> = new Set(ERROR_LIST);
const ACCESS_KINDS: ReadonlySet<string> = new Set(['read', 'write']);

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new Invalid(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array');
  if (v.length > MAX_ITEMS) fail(path, 'too many items');
  return v;
}

function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${k}`, 'expected a number');
  return v;
}

function int(o: Obj, k: string, path: string, min: number, max: number): number {
  const v = num(o, k, path);
  if (!Number.isInteger(v) || v < min || v > max) fail(`${path}.${k}`, `expected an integer from ${min} to ${max}`);
  return v;
}

function text(o: Obj, k: string, path: string): string {
  const v = o[k];
  if (typeof v !== 'string') fail(`${path}.${k}`, 'expected a string');
  if (v.length > MAX_STRING) fail(`${path}.${k}`, 'string too long');
  return v;
}

function oneOf(o: Obj, k: string, path: string, allowed: ReadonlySet<string>): string {
  const v = text(o, k, path);
  if (!allowed.has(v)) fail(`${path}.${k}`, `unexpected value "${v.slice(0, 40)}"`);
  return v;
}

function bool(o: Obj, k: string, path: string): boolean {
  if (typeof o[k] !== 'boolean') fail(`${path}.${k}`, 'expected true or false');
  return o[k];
}

function textRecord(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'string' || x.length > MAX_STRING) fail(`${path}.${k}`, 'expected a string');
  }
}

function numRecord(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const [k, x] of Object.entries(o)) {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${path}.${k}`, 'expected a number');
  }
}

function ownInternal(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o, 'own', path, 0, MAX_ITEMS);
  int(o, 'internal', path, 0, MAX_ITEMS);
}

function runError(v: unknown, path: string): void {
  if (v === null) return;
  const e = obj(v, path);
  oneOf(e, 'code', path, ERROR_CODES);
  text(e, 'message', path);
  if (e.hint !== undefined) text(e, 'hint', path);
  if (e.file !== undefined) text(e, 'file', path);
  if (e.line !== undefined) int(e, 'line', path, 0, 1e9);
  if (e.column !== undefined) int(e, 'column', path, 0, 1e9);
  if (e.stillRunning !== undefined)
    arr(e.stillRunning, `${path}.stillRunning`).forEach(
      (s, i) => typeof s === 'string' || fail(`${path}.stillRunning[${i}]`, 'expected a string'),
    );
}

function check(v: unknown): TraceModel {
  const m = obj(v, 'model');
  if (m.version !== TRACE_MODEL_VERSION)
    fail(
      'model.version',
      `this trace has format version ${String(m.version)}; this extension reads version ${TRACE_MODEL_VERSION}`,
    );
  text(m, 'title', 'model');
  text(m, 'python', 'model');
  num(m, 't0', 'model');
  num(m, 'duration', 'model');
  if (m.exitCode !== null) int(m, 'exitCode', 'model', -1e9, 1e9);
  if (m.signal !== null) text(m, 'signal', 'model');
  runError(m.error, 'model.error');
  int(m, 'lineOffset', 'model', 0, 1e9);

  const lanes = arr(m.lanes, 'model.lanes');
  const sources = arr(m.sources, 'model.sources');
  const nLanes = lanes.length;
  const nSources = sources.length;
  lanes.forEach((x, i) => {
    const p = `model.lanes[${i}]`;
    const l = obj(x, p);
    if (l.id !== i) fail(`${p}.id`, `expected ${i}`);
    oneOf(l, 'kind', p, LANE_KINDS);
    int(l, 'parent', p, -1, nLanes - 1);
    text(l, 'name', p);
    int(l, 'pid', p, -1e12, 1e12);
    int(l, 'tid', p, -1e12, 1e12);
    int(l, 'task', p, -1e12, 1e12);
    bool(l, 'internal', p);
    int(l, 'depth', p, 0, 100);
    num(l, 'start', p);
    num(l, 'end', p);
    textRecord(l.info, `${p}.info`);
  });
  sources.forEach((x, i) => {
    const p = `model.sources[${i}]`;
    const s = obj(x, p);
    if (s.id !== i) fail(`${p}.id`, `expected ${i}`);
    text(s, 'file', p);
    text(s, 'label', p);
  });
  const located = (o: Obj, p: string): void => {
    int(o, 'lane', p, 0, nLanes - 1);
    int(o, 'order', p, 0, Number.MAX_SAFE_INTEGER);
    int(o, 'source', p, -1, nSources - 1);
    int(o, 'line', p, 0, 1e9);
  };
  const spans = arr(m.spans, 'model.spans');
  spans.forEach((x, i) => {
    const p = `model.spans[${i}]`;
    const s = obj(x, p);
    located(s, p);
    num(s, 'start', p);
    if (num(s, 'end', p) < (s.start as number)) fail(`${p}.end`, 'ends before it starts');
    text(s, 'name', p);
    text(s, 'qualname', p);
    int(s, 'depth', p, 0, 1e6);
    num(s, 'cpu', p);
    bool(s, 'open', p);
  });
  const markers = arr(m.markers, 'model.markers');
  markers.forEach((x, i) => {
    const p = `model.markers[${i}]`;
    const k = obj(x, p);
    located(k, p);
    num(k, 'ts', p);
    oneOf(k, 'kind', p, MARKER_KINDS);
    text(k, 'label', p);
    oneOf(k, 'severity', p, SEVERITIES);
    textRecord(k.detail, `${p}.detail`);
    if (k.waitEnd !== undefined) num(k, 'waitEnd', p);
    if (k.readyAt !== undefined) num(k, 'readyAt', p);
  });
  arr(m.flows, 'model.flows').forEach((x, i) => {
    const p = `model.flows[${i}]`;
    const f = obj(x, p);
    oneOf(f, 'kind', p, FLOW_KINDS);
    int(f, 'fromLane', p, 0, nLanes - 1);
    int(f, 'toLane', p, 0, nLanes - 1);
    num(f, 'fromTs', p);
    num(f, 'toTs', p);
    int(f, 'fromOrder', p, 0, Number.MAX_SAFE_INTEGER);
    int(f, 'toOrder', p, 0, Number.MAX_SAFE_INTEGER);
  });
  arr(m.steps, 'model.steps').forEach((x, i) => {
    const p = `model.steps[${i}]`;
    const s = obj(x, p);
    located(s, p);
    num(s, 'ts', p);
    text(s, 'text', p);
    const ref = obj(s.ref, `${p}.ref`);
    const type = oneOf(ref, 'type', `${p}.ref`, new Set(['span', 'marker']));
    int(ref, 'index', `${p}.ref`, 0, (type === 'span' ? spans.length : markers.length) - 1);
  });
  arr(m.output, 'model.output').forEach((x, i) => {
    const p = `model.output[${i}]`;
    const o = obj(x, p);
    int(o, 'order', p, 0, Number.MAX_SAFE_INTEGER);
    num(o, 'ts', p);
    int(o, 'lane', p, 0, nLanes - 1);
    oneOf(o, 'stream', p, new Set(['stdout', 'stderr']));
    text(o, 'text', p);
  });
  if (m.races !== undefined)
    arr(m.races, 'model.races').forEach((x, i) => {
      const p = `model.races[${i}]`;
      const r = obj(x, p);
      text(r, 'target', p);
      const accesses = arr(r.accesses, `${p}.accesses`);
      if (accesses.length !== 2) fail(`${p}.accesses`, 'expected two accesses');
      accesses.forEach((y, j) => {
        const q = `${p}.accesses[${j}]`;
        const a = obj(y, q);
        const at = int(a, 'marker', q, 0, markers.length - 1);
        if ((markers[at] as Obj).kind !== 'shared_access') fail(`${q}.marker`, 'expected a shared_access marker');
        int(a, 'lane', q, 0, nLanes - 1);
        int(a, 'line', q, 0, 1e9);
        oneOf(a, 'kind', q, ACCESS_KINDS);
      });
    });
  const st = obj(m.stats, 'model.stats');
  int(st, 'events', 'model.stats', 0, Number.MAX_SAFE_INTEGER);
  numRecord(st.eventsByKind, 'model.stats.eventsByKind');
  ownInternal(st.processes, 'model.stats.processes');
  ownInternal(st.threads, 'model.stats.threads');
  ownInternal(st.tasks, 'model.stats.tasks');
  num(st, 'suppressedCalls', 'model.stats');
  num(st, 'droppedEvents', 'model.stats');
  if (st.unreadableLines !== undefined) int(st, 'unreadableLines', 'model.stats', 0, Number.MAX_SAFE_INTEGER);
  return m as unknown as TraceModel;
}

export function validateModel(v: unknown): { model: TraceModel } | { error: string } {
  try {
    return { model: check(v) };
  } catch (e) {
    if (e instanceof Invalid) return { error: `the embedded trace is damaged: ${e.message}` };
    throw e;
  }
}
