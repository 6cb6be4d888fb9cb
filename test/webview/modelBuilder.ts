/**
 * Builds TraceModels for the browser tests and the benchmark the way the run engine must: every span
 * start and every marker is a step, `order` is the global time order, output lines share the order
 * of the print that made them.
 */
import {
  TRACE_MODEL_VERSION,
  type FlowKind,
  type Lane,
  type LaneKind,
  type Marker,
  type MarkerKind,
  type OutputLine,
  type RunError,
  type Span,
  type Step,
  type TraceModel,
} from '../../src/shared/traceModel';

export interface LaneSpec {
  kind: LaneKind;
  name: string;
  parent?: number;
  pid: number;
  tid?: number;
  task?: number;
  internal?: boolean;
  info?: Record<string, string>;
}

type PendingSpan = Omit<Span, 'order'>;
type PendingMarker = Omit<Marker, 'order'> & { print?: { text: string; stream: 'stdout' | 'stderr' } };

export class ModelBuilder {
  private readonly lanes: Lane[] = [];
  private readonly spans: PendingSpan[] = [];
  private readonly markers: PendingMarker[] = [];
  private readonly flows: { kind: FlowKind; from: number; to: number }[] = [];
  private error: RunError | null = null;

  constructor(
    private readonly title: string,
    private readonly file = '/home/user/demo/app.py',
  ) {}

  lane(spec: LaneSpec): number {
    const id = this.lanes.length;
    const parent = spec.parent ?? -1;
    this.lanes.push({
      id,
      kind: spec.kind,
      parent,
      name: spec.name,
      pid: spec.pid,
      tid: spec.tid ?? 0,
      task: spec.task ?? 0,
      internal: spec.internal ?? false,
      depth: spec.kind === 'process' ? 0 : spec.kind === 'thread' ? 1 : 2,
      start: Infinity,
      end: -Infinity,
      info: spec.info ?? {},
    });
    return id;
  }

  span(
    lane: number,
    name: string,
    start: number,
    end: number,
    opts: { depth?: number; cpu?: number; line?: number; open?: boolean; qualname?: string } = {},
  ): number {
    this.spans.push({
      lane,
      start,
      end,
      name,
      qualname: opts.qualname ?? name,
      source: 0,
      line: opts.line ?? 1,
      depth: opts.depth ?? 0,
      cpu: opts.cpu ?? -1,
      open: opts.open ?? false,
    });
    return this.spans.length - 1;
  }

  marker(
    lane: number,
    kind: MarkerKind,
    ts: number,
    label: string,
    opts: { line?: number; severity?: Marker['severity']; detail?: Record<string, string>; waitEnd?: number } = {},
  ): number {
    const m: PendingMarker = {
      lane,
      ts,
      kind,
      label,
      source: 0,
      line: opts.line ?? 1,
      severity: opts.severity ?? 'info',
      detail: opts.detail ?? {},
    };
    if (opts.waitEnd !== undefined) m.waitEnd = opts.waitEnd;
    this.markers.push(m);
    return this.markers.length - 1;
  }

  print(lane: number, ts: number, text: string, opts: { line?: number; stream?: 'stdout' | 'stderr' } = {}): number {
    const id = this.marker(lane, 'print', ts, `print: ${text}`, { line: opts.line, detail: { text } });
    this.markers[id].print = { text, stream: opts.stream ?? 'stdout' };
    return id;
  }

  flow(kind: FlowKind, fromMarker: number, toMarker: number): void {
    this.flows.push({ kind, from: fromMarker, to: toMarker });
  }

  setError(err: RunError): void {
    this.error = err;
  }

  build(): TraceModel {
    const ns = this.spans.length;
    const total = ns + this.markers.length;
    // Order events by time; ties keep insertion order (span starts before markers at the same ts).
    const ts = new Float64Array(total);
    for (let i = 0; i < ns; i++) ts[i] = this.spans[i].start;
    for (let i = 0; i < this.markers.length; i++) ts[ns + i] = this.markers[i].ts;
    const byTime = new Int32Array(total);
    for (let i = 0; i < total; i++) byTime[i] = i;
    byTime.sort((a, b) => ts[a] - ts[b] || a - b);
    const orderOf = new Int32Array(total);
    for (let o = 0; o < total; o++) orderOf[byTime[o]] = o;

    const spans: Span[] = this.spans.map((s, i) => ({ ...s, order: orderOf[i] }));
    const markers: Marker[] = this.markers.map((m, i) => {
      const { print: _print, ...rest } = m;
      return { ...rest, order: orderOf[ns + i] };
    });
    const steps: Step[] = new Array<Step>(total);
    const output: OutputLine[] = [];
    for (let o = 0; o < total; o++) {
      const e = byTime[o];
      if (e < ns) {
        const s = spans[e];
        steps[o] = {
          order: o,
          ts: s.start,
          lane: s.lane,
          ref: { type: 'span', index: e },
          text: `call ${s.qualname}()`,
          source: 0,
          line: s.line,
        };
      } else {
        const m = markers[e - ns];
        steps[o] = {
          order: o,
          ts: m.ts,
          lane: m.lane,
          ref: { type: 'marker', index: e - ns },
          text: m.label,
          source: 0,
          line: m.line,
        };
        const p = this.markers[e - ns].print;
        if (p) output.push({ order: o, ts: m.ts, lane: m.lane, stream: p.stream, text: p.text });
      }
    }
    for (const s of spans) this.touch(s.lane, s.start, s.end);
    for (const m of markers) this.touch(m.lane, m.ts, m.waitEnd ?? m.ts);
    const t1 = this.lanes.reduce((acc, l) => Math.max(acc, Number.isFinite(l.end) ? l.end : 0), 0);
    for (const l of this.lanes) {
      if (!Number.isFinite(l.start)) l.start = 0;
      if (!Number.isFinite(l.end)) l.end = l.start;
    }
    const flows = this.flows.map((f) => ({
      kind: f.kind,
      fromLane: markers[f.from].lane,
      fromTs: markers[f.from].ts,
      fromOrder: markers[f.from].order,
      toLane: markers[f.to].lane,
      toTs: markers[f.to].ts,
      toOrder: markers[f.to].order,
    }));
    const count = (kind: LaneKind, internal: boolean): number =>
      this.lanes.filter((l) => l.kind === kind && l.internal === internal).length;
    const eventsByKind: Record<string, number> = { call: spans.length };
    for (const m of markers) eventsByKind[m.kind] = (eventsByKind[m.kind] ?? 0) + 1;
    return {
      version: TRACE_MODEL_VERSION,
      title: this.title,
      python: '3.12.1',
      t0: 1_000_000_000,
      duration: t1,
      exitCode: this.error ? 1 : 0,
      signal: null,
      error: this.error,
      lanes: this.lanes,
      sources: [{ id: 0, file: this.file, label: this.file.split('/').pop() ?? this.file }],
      spans,
      markers,
      flows,
      steps,
      output,
      stats: {
        events: total,
        eventsByKind,
        processes: { own: count('process', false), internal: count('process', true) },
        threads: { own: count('thread', false), internal: count('thread', true) },
        tasks: { own: count('task', false), internal: count('task', true) },
        suppressedCalls: 0,
        droppedEvents: 0,
      },
      lineOffset: 0,
    };
  }

  private touch(lane: number, a: number, b: number): void {
    const l = this.lanes[lane];
    l.start = Math.min(l.start, a);
    l.end = Math.max(l.end, b);
  }
}
