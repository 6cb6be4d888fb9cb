/**
 * TraceModel ⇄ Chrome Trace Event JSON (the format Perfetto and chrome://tracing open).
 * Each thread and each asyncio task is its own track (tid), so the spans on a track nest. The full
 * model rides along under EMBED_KEY, which trace viewers ignore, so our own "Open Trace" restores
 * exactly what was shown; a Chrome trace from another tool has no model and is refused.
 */
import type { Lane, TraceModel } from '../shared/traceModel';
import { validateModel } from './validateModel';

export const EMBED_KEY = 'concurrencyLab';
export const EMBED_FORMAT = 'python-concurrency-lab-trace';
/** Larger texts are refused before parsing. */
export const MAX_IMPORT_CHARS = 400 * 1024 * 1024;

interface ChromeEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: string;
  id?: number;
  bp?: string;
  args?: Record<string, unknown>;
}

/** Chrome traces count microseconds; ours are nanoseconds. */
const us = (ns: number): number => ns / 1000;

function trackName(lane: Lane): string {
  if (lane.kind === 'task') return `task ${lane.name}${lane.internal ? ' (internal)' : ''}`;
  if (lane.kind === 'process') return 'process events';
  return `${lane.name}${lane.internal ? ' (internal)' : ''}`;
}

export function toChromeEvents(model: TraceModel): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  // Lane ids are unique in the run, so they serve as tids; the lane's process gives the pid.
  const pidOf = (lane: number): number => model.lanes[lane].pid;
  let processIndex = 0;
  for (const lane of model.lanes) {
    if (lane.kind === 'process') {
      out.push({
        ph: 'M',
        name: 'process_name',
        pid: lane.pid,
        tid: 0,
        args: { name: `${lane.name} (pid ${lane.pid})` },
      });
      out.push({ ph: 'M', name: 'process_sort_index', pid: lane.pid, tid: 0, args: { sort_index: processIndex++ } });
    }
    out.push({ ph: 'M', name: 'thread_name', pid: lane.pid, tid: lane.id, args: { name: trackName(lane) } });
    out.push({ ph: 'M', name: 'thread_sort_index', pid: lane.pid, tid: lane.id, args: { sort_index: lane.id } });
  }
  const file = (source: number): string | undefined => model.sources[source]?.file;
  for (const s of model.spans) {
    const args: Record<string, unknown> = { line: s.line };
    const f = file(s.source);
    if (f !== undefined) args.file = f;
    if (s.cpu >= 0) args['cpu ms'] = s.cpu / 1e6;
    if (s.open) args.open = true;
    out.push({
      ph: 'X',
      name: s.qualname,
      cat: 'function',
      pid: pidOf(s.lane),
      tid: s.lane,
      ts: us(s.start),
      dur: us(s.end - s.start),
      args,
    });
  }
  // Steps are numbered 1…N as the Timeline's list numbers them.
  const markerStep = new Map<number, number>();
  model.steps.forEach((st, i) => {
    if (st.ref.type === 'marker') markerStep.set(st.ref.index, i + 1);
  });
  model.markers.forEach((m, mi) => {
    const args: Record<string, unknown> = { ...m.detail };
    const step = markerStep.get(mi);
    if (step !== undefined) args.step = step;
    if (m.waitEnd !== undefined) args['wait ms'] = (m.waitEnd - m.ts) / 1e6;
    out.push({ ph: 'i', s: 't', name: m.label, cat: m.kind, pid: pidOf(m.lane), tid: m.lane, ts: us(m.ts), args });
  });
  model.flows.forEach((f, i) => {
    const id = i + 1;
    out.push({ ph: 's', name: f.kind, cat: 'flow', id, pid: pidOf(f.fromLane), tid: f.fromLane, ts: us(f.fromTs) });
    out.push({ ph: 'f', bp: 'e', name: f.kind, cat: 'flow', id, pid: pidOf(f.toLane), tid: f.toLane, ts: us(f.toTs) });
  });
  return out;
}

export function exportChromeTrace(model: TraceModel): string {
  return JSON.stringify({
    traceEvents: toChromeEvents(model),
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'Python Concurrency Lab',
      title: model.title,
      python: model.python,
      exitCode: model.exitCode,
    },
    [EMBED_KEY]: { format: EMBED_FORMAT, version: model.version, model },
  });
}

export function importChromeTrace(text: string): { model: TraceModel } | { error: string } {
  if (typeof text !== 'string') return { error: 'no text to read' };
  if (text.length > MAX_IMPORT_CHARS)
    return {
      error: `the file is too large (${Math.round(text.length / 1048576)} MB; the limit is ${MAX_IMPORT_CHARS / 1048576} MB)`,
    };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return {
      error: `the file is not valid JSON; it may be truncated or damaged (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  const isObj = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  const embedded = isObj ? (doc as Record<string, unknown>)[EMBED_KEY] : undefined;
  if (embedded === undefined) {
    const chromeLike = Array.isArray(doc) || (isObj && 'traceEvents' in (doc as object));
    return {
      error: chromeLike
        ? 'this Chrome trace was not exported by Python Concurrency Lab (it has no embedded Concurrency Lab model); open it in Perfetto (ui.perfetto.dev) instead'
        : 'this is not a trace file (expected Chrome Trace Event JSON exported by Python Concurrency Lab)',
    };
  }
  if (
    typeof embedded !== 'object' ||
    embedded === null ||
    (embedded as Record<string, unknown>).format !== EMBED_FORMAT
  ) {
    return { error: `the "${EMBED_KEY}" section of this file is not a Concurrency Lab trace` };
  }
  return validateModel((embedded as Record<string, unknown>).model);
}
