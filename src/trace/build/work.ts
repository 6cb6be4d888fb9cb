/**
 * Pool work items: a span on the worker's lane per item it ran (ThreadPoolExecutor, ProcessPoolExecutor,
 * multiprocessing.Pool), named after the call ("fetch('slow', 0.15)", "square × 4: [0, 1, 2, 3]"), so one
 * can tell which worker handled which item. A thread pool's item gets the arrow from its submit.
 */
import { asData, clip, num, str } from '../rawData';
import type { Span } from '../../shared/traceModel';
import type { FamilyOf } from './handler';
import { closeSpan } from './spans';

/** The open-span stack's code id of a work item (program code ids are ≥ 0). */
const WORK_CODE = -2;

export const work: FamilyOf<'work_begin' | 'work_end'> = (b) => ({
  handlers: {
    work_begin(ev, ts) {
      const d = asData(ev[6]);
      const pid = ev[2];
      const lane = b.laneOf(pid, ev[3], ev[4], ts);
      const here = { lane, ts, order: b.order };
      b.touch(lane, here);
      const obj = num(d, 'obj');
      const submit = obj !== undefined ? b.submits.get(`${pid}:${obj}`) : undefined;
      const fn = clip(str(d, 'fn', 'function'), 80);
      const n = num(d, 'n');
      const call =
        submit?.call ??
        (str(d, 'items') ? `${fn} × ${n ?? '?'}: ${clip(str(d, 'items'), 80)}` : `${fn}(${clip(str(d, 'args'), 80)})`);
      const L = b.lanes[lane];
      const span: Span = {
        lane,
        order: b.order,
        start: ts,
        end: ts,
        name: call,
        qualname: call,
        source: submit?.source ?? -1,
        line: submit?.line ?? 0,
        depth: L.stack.length,
        cpu: -1,
        open: true,
      };
      const index = b.spans.length;
      b.spans.push(span);
      L.stack.push({ span: index, code: WORK_CODE, cpu0: -1 });
      b.steps.push({
        order: b.order,
        ts,
        lane,
        ref: { type: 'span', index },
        text: `work item ${call}`,
        source: span.source,
        line: span.line,
      });
      if (submit && !submit.flowed) {
        submit.flowed = true;
        b.flow('submit', submit.at, here);
      }
    },
    work_end(ev, ts) {
      closeSpan(b, b.laneOf(ev[2], ev[3], ev[4], ts), ts, [WORK_CODE, -1]);
    },
  },
});
