/** Function spans: code ids, call/return, and coroutine/generator yield/resume (the hot path). */
import { asData, at, clip, num, str } from '../rawData';
import type { Span } from '../../shared/traceModel';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import type { BuildState, OpenSpan } from './state';

type SpanKind = 'code' | 'call' | 'resume' | 'return' | 'yield';

/** Opens a span for a call or resume payload [codeId, cpuNs, line?], with its step. */
export function openSpan(
  b: BuildState,
  lane: number,
  ts: number,
  pid: number,
  payload: unknown,
  resumed: boolean,
): void {
  const order = b.order;
  const codeId = at(payload, 0) ?? -1;
  const cpu = at(payload, 1) ?? -1;
  const code = b.codes.get(pid, codeId);
  const L = b.lanes[lane];
  // The span points at the function; its step points at the call site when the tracer knows it.
  const line = code?.line ?? at(payload, 2) ?? 0;
  const stepLine = resumed ? line : (at(payload, 2) ?? line);
  const span: Span = {
    lane,
    order,
    start: ts,
    end: ts,
    name: code?.name ?? `code ${codeId}`,
    qualname: code?.qualname ?? `code ${codeId}`,
    source: code?.source ?? -1,
    line,
    depth: L.stack.length,
    cpu: -1,
    open: true,
  };
  const index = b.spans.length;
  b.spans.push(span);
  L.stack.push({ span: index, code: codeId, cpu0: cpu });
  if (cpu >= 0) L.lastCpu = cpu;
  b.steps.push({
    order,
    ts,
    lane,
    ref: { type: 'span', index },
    text: `${resumed ? 'resume' : 'call'} ${clip(span.qualname, 120)}()`,
    source: span.source,
    line: stepLine,
  });
}

/** Closes the innermost open span of codeId for a return or yield payload [codeId, cpuNs, …]. */
export function closeSpan(b: BuildState, lane: number, ts: number, payload: unknown): void {
  const codeId = at(payload, 0) ?? -1;
  const cpu = at(payload, 1) ?? -1;
  const L = b.lanes[lane];
  let k = L.stack.length - 1;
  while (k >= 0 && L.stack[k].code !== codeId) k--;
  if (k < 0) return; // a return we never saw start (tracer attached mid-call): ignore
  // Frames above the match never reported their end: close them here, still flagged open.
  while (L.stack.length > k + 1) {
    const o = L.stack.pop() as OpenSpan;
    b.spans[o.span].end = ts;
  }
  const o = L.stack.pop() as OpenSpan;
  const span = b.spans[o.span];
  span.end = ts;
  span.open = false;
  span.cpu = o.cpu0 >= 0 && cpu >= o.cpu0 ? cpu - o.cpu0 : -1;
  if (cpu >= 0) L.lastCpu = cpu;
}

export const spans: FamilyOf<SpanKind> = (b) => {
  const start =
    (resumed: boolean) =>
    (ev: RawEvent, ts: number): void => {
      const lane = b.laneOf(ev[2], ev[3], ev[4], ts);
      b.touch(lane, { lane, ts, order: b.order });
      openSpan(b, lane, ts, ev[2], ev[6], resumed);
    };
  return {
    handlers: {
      code(ev) {
        const d = asData(ev[6]);
        const id = num(d, 'id');
        if (id === undefined) return;
        const file = str(d, 'file');
        const name = clip(str(d, 'name', '?'), 200);
        b.codes.set(ev[2], id, {
          name,
          qualname: clip(str(d, 'qualname', name), 300),
          source: file ? b.source(file) : -1,
          line: num(d, 'line') ?? 0,
        });
      },
      call: start(false),
      resume: start(true),
      return(ev, ts) {
        const lane = b.laneOf(ev[2], ev[3], ev[4], ts);
        closeSpan(b, lane, ts, ev[6]);
        // A task's coroutine that returned and so ended its task ok: the return stands for task_done.
        if (at(ev[6], 2) === 1 && ev[4] > 0) {
          b.count('task_done');
          b.order++;
          b.apply([ev[0], ev[1], ev[2], ev[3], 0, 'task_done', { obj: ev[4], state: 'ok' }], ts);
        }
      },
      yield(ev, ts) {
        closeSpan(b, b.laneOf(ev[2], ev[3], ev[4], ts), ts, ev[6]);
      },
    },
  };
};
