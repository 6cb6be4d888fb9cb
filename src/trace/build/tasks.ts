/**
 * asyncio tasks and executor futures: creation, naming, awaiting, and the end that wakes an awaiter; a thread
 * blocked until a future's or a pool's results come (result_wait → result_ready).
 */
import { asData, bool, clip, num, str } from '../rawData';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';
import type { Point } from './state';

type TaskKind =
  | 'task_create'
  | 'task_done'
  | 'task_cancel'
  | 'task_name'
  | 'await'
  | 'awake'
  | 'future_submit'
  | 'future_done'
  | 'future_read'
  | 'result_wait'
  | 'result_ready';

/** A gather's child count as its await gave it, to spread into its end's data (nothing when there is none). */
const countOf = (d: Record<string, unknown>): { count?: unknown } => (d.count === undefined ? {} : { count: d.count });

export const tasks: FamilyOf<TaskKind> = (b) => {
  /** Where each task or future ended ("pid:obj"): an awaiter that wakes after it draws a flow from there. */
  const done = new Map<string, Point>();
  const objOf = (ev: RawEvent): number => num(asData(ev[6]), 'obj') ?? -1;
  /** The last future done in each process: what most likely woke an as_completed()/wait() for any of several. */
  const lastDone = new Map<number, Point>();
  /** Each lane's open result wait: when it began and the one future it waits for ("pid:obj"), if one. */
  const resultWaits = new Map<number, { ts: number; future: string | undefined }>();
  /** What each open await waits on ("pid:target" → its data): the wake that ends it is named the same way. */
  const awaited = new Map<string, Record<string, unknown>>();
  return {
    handlers: {
      task_create(ev, ts) {
        const pid = ev[2];
        const d = asData(ev[6]);
        const obj = objOf(ev);
        const key = `${pid}:${obj}`;
        if (str(d, 'name')) b.taskNames.set(key, clip(str(d, 'name'), 200));
        const here = b.marker('task_create', ev, ts);
        b.madeHere('task', pid, obj);
        const task = b.taskLane(pid, ev[3], obj, ts);
        b.createdAt.set(task, here);
        const T = b.lanes[task];
        T.name = b.taskNames.get(key) ?? T.name;
        T.internal = bool(d, 'internal') === true;
        if (str(d, 'coro')) T.info.coroutine = clip(str(d, 'coro'), 200);
      },
      task_done(ev, ts) {
        const here = b.marker('task_done', ev, ts);
        const obj = objOf(ev);
        done.set(`${ev[2]}:${obj}`, here);
        const t = b.taskLanes.get(ev[2], obj);
        if (t !== undefined) {
          if (b.endedOnItsOwn(ev)) b.lanes[t].ended = true;
          b.lanes[t].info.state = clip(str(asData(ev[6]), 'state', 'ok'), 20);
        }
      },
      task_cancel(ev, ts) {
        b.marker('task_cancel', ev, ts);
      },
      task_name(ev, ts) {
        // After its label (which names the task as it was): later labels and the lane use the new name.
        b.marker('task_name', ev, ts);
        const obj = objOf(ev);
        const name = clip(str(asData(ev[6]), 'name'), 200);
        b.taskNames.set(`${ev[2]}:${obj}`, name);
        const t = b.taskLanes.get(ev[2], obj);
        if (t !== undefined) {
          b.lanes[t].info['created as'] ??= b.lanes[t].name;
          b.lanes[t].name = name;
        }
      },
      await(ev, ts) {
        b.marker('await', ev, ts);
        const d = asData(ev[6]);
        const target = num(d, 'target');
        if (target !== undefined) awaited.set(`${ev[2]}:${target}`, d);
      },
      awake(ev, ts) {
        // The wake carries only its target: give its label what the await said of it ("resumed after fut").
        const d = asData(ev[6]);
        const key = `${ev[2]}:${num(d, 'target') ?? -1}`;
        const what = awaited.get(key);
        awaited.delete(key);
        const here = b.marker('awake', what ? [ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], { ...what, ...d }] : ev, ts);
        const from = done.get(key);
        if (from && from.lane !== here.lane) b.flow('done', from, here);
      },
      future_submit(ev, ts) {
        const d = asData(ev[6]);
        const call = `${clip(str(d, 'fn', 'function'), 80)}(${clip(str(d, 'args'), 80)})`;
        const at = b.marker('future_submit', ev, ts);
        b.madeHere('future', ev[2], objOf(ev));
        const { source, line } = b.markers[b.markers.length - 1];
        b.submits.set(`${ev[2]}:${objOf(ev)}`, { at, call, source, line, flowed: false });
      },
      future_done(ev, ts) {
        const key = `${ev[2]}:${objOf(ev)}`;
        // A gather's end is named as its await named it ("gather(3 tasks) done", not "future #5"); the tracer
        // says so itself since it counts a gather's children (older traces: from the await).
        const before = awaited.get(key);
        const gather = before?.what === 'gather';
        const d = asData(ev[6]);
        const here = b.marker(
          'future_done',
          gather
            ? [
                ev[0],
                ev[1],
                ev[2],
                ev[3],
                ev[4],
                ev[5],
                { ...d, what: 'gather', ...countOf(d.count === undefined ? before : d) },
              ]
            : ev,
          ts,
        );
        done.set(key, here);
        lastDone.set(ev[2], here);
        // The submit's arrow goes to the work item when a worker's start of it was seen (work.ts), else here.
        const from = b.submits.get(key);
        if (from && !from.flowed) b.flow('submit', from.at, here);
      },
      future_read(ev, ts) {
        b.marker('future_read', ev, ts);
      },
      result_wait(ev, ts) {
        const here = b.marker('result_wait', ev, ts);
        const obj = num(asData(ev[6]), 'obj');
        resultWaits.set(here.lane, { ts, future: obj !== undefined ? `${ev[2]}:${obj}` : undefined });
      },
      result_ready(ev, ts) {
        const here = b.marker('result_ready', ev, ts);
        const wait = resultWaits.get(here.lane);
        resultWaits.delete(here.lane);
        // The future that ended the wait: its own, else the last one done meanwhile (a pool's results come
        // from its internal threads, which draw nothing: no arrow then).
        const from = wait?.future !== undefined ? done.get(wait.future) : lastDone.get(ev[2]);
        if (wait && from && from.ts >= wait.ts && from.lane !== here.lane) b.flow('done', from, here);
      },
    },
  };
};
