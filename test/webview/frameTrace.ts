/**
 * Per-frame work from a Chromium performance trace (CDP Tracing, categories below), for bench:timeline.
 *
 * A gesture's frame goes through three threads of Chromium's frame pipeline: the renderer's main thread
 * (the wheel event, requestAnimationFrame callbacks with our draw(), style, paint, the canvas's flush and
 * the commit), the renderer's compositor thread (and its tile workers: activation, draw, submit), and
 * the display compositor (viz: the software renderer's draw and swap). Between them a frame waits for
 * BeginFrame deadlines; that waiting is Chromium's frame pacing, not work. The frame's work is the busy
 * time of each thread (its top-level tasks, clipped) from the gesture's mark to the end of the swap that
 * shows it: what a user waits for per frame once the pacing is taken away.
 */

/** The categories the parser needs (devtools.timeline for the marks, cc/viz for the pipeline stages). */
export const FRAME_TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'cc',
  'viz',
  'blink.user_timing',
];

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of an 'X' event, µs. */
  tdur?: number;
  args?: Record<string, unknown>;
}

export interface FrameWork {
  /** Renderer main thread busy ms (event dispatch, rAF with our draw, style, paint, canvas flush, commit). */
  mainMs: number;
  /** Renderer compositor thread and tile workers busy ms (activate, prepare, draw, submit). */
  compositorMs: number;
  /** Display compositor (viz) busy ms (aggregate, draw, swap). */
  vizMs: number;
  totalMs: number;
  /**
   * The same threads' CPU time (the trace's thread time): the work without the time the threads waited for
   * a core. On a loaded machine the wall times above also count other processes' turns.
   */
  cpuMs: number;
  /** The gesture's frame reached the screen (a commit, a compositor draw and a swap were found). */
  presented: boolean;
  /** Wall ms from the mark to the end of the swap (includes the pacing waits). */
  wallMs: number;
}

const TASK = 'ThreadControllerImpl::RunTask';

/** Start, end (µs) and thread CPU time (µs; the trace's tdur). */
type Span = [number, number, number];

function spans(events: TraceEvent[], pid: number, tids: Set<number>, name: string): Span[] {
  return events
    .filter((e) => e.ph === 'X' && e.name === name && e.pid === pid && tids.has(e.tid))
    .map((e): Span => [e.ts, e.ts + (e.dur ?? 0), e.tdur ?? e.dur ?? 0])
    .sort((a, b) => a[0] - b[0]);
}

/** Busy wall time and CPU time (µs) of tasks within [from, to]; a clipped task's CPU time in proportion. */
function busy(tasks: Span[], from: number, to: number): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (const [a, b, c] of tasks) {
    if (b <= from) continue;
    if (a >= to) break;
    const w = Math.min(b, to) - Math.max(a, from);
    wall += w;
    cpu += b > a ? (c * w) / (b - a) : 0;
  }
  return { wall, cpu };
}

const first = (xs: Span[], from: number, before: number): Span | undefined => xs.find(([a]) => a >= from && a < before);

/**
 * One FrameWork per mark named `${markPrefix}${i}` (i = 0, 1, …), each set right before its gesture's
 * wheel event. Marks must be far enough apart that each gesture's frame is shown before the next mark.
 */
export function frameWork(events: TraceEvent[], markPrefix: string): FrameWork[] {
  const marks = events
    .filter((e) => e.name.startsWith(markPrefix) && (e.ph === 'I' || e.ph === 'R' || e.ph === 'i'))
    .map((e) => ({ i: Number(e.name.slice(markPrefix.length)), e }))
    .filter((m) => Number.isInteger(m.i))
    .sort((a, b) => a.i - b.i);
  if (marks.length === 0) return [];
  const { pid, tid } = marks[0].e;
  const threadName = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name')
      threadName.set(`${e.pid}:${e.tid}`, typeof e.args?.name === 'string' ? e.args.name : '');
  const tidsOf = (test: (name: string, p: number) => boolean): { pid: number; tids: Set<number> } => {
    const hits = [...threadName.entries()]
      .map(([k, n]) => ({ p: Number(k.split(':')[0]), t: Number(k.split(':')[1]), n }))
      .filter((x) => test(x.n, x.p));
    return { pid: hits[0]?.p ?? -1, tids: new Set(hits.filter((x) => x.p === hits[0]?.p).map((x) => x.t)) };
  };
  const main = { pid, tids: new Set([tid]) };
  const comp = tidsOf((n, p) => p === pid && (n === 'Compositor' || n.startsWith('CompositorTileWorker')));
  const viz = tidsOf((n) => n === 'VizCompositorThread');
  const mainTasks = spans(events, main.pid, main.tids, TASK);
  const compTasks = spans(events, comp.pid, comp.tids, TASK);
  const vizTasks = spans(events, viz.pid, viz.tids, TASK);
  const commits = spans(events, main.pid, main.tids, 'ProxyMain::BeginMainFrame::commit');
  const mainFrames = spans(events, main.pid, main.tids, 'ProxyMain::BeginMainFrame');
  const draws = spans(events, comp.pid, comp.tids, 'ProxyImpl::ScheduledActionDraw');
  const swaps = spans(events, viz.pid, viz.tids, 'Display::DrawAndSwap');
  return marks.map(({ e }, k) => {
    const start = e.ts;
    const limit = k + 1 < marks.length ? marks[k + 1].e.ts : Infinity;
    const commit = first(commits, start, limit);
    const draw = commit ? first(draws, commit[0], limit) : undefined;
    const swap = draw ? first(swaps, draw[0], limit) : undefined;
    // Without a commit (nothing changed on screen), the frame ends with its main-thread part.
    const end = swap?.[1] ?? draw?.[1] ?? commit?.[1] ?? first(mainFrames, start, limit)?.[1] ?? start;
    const none = { wall: 0, cpu: 0 };
    const m = busy(mainTasks, start, end);
    const c = commit ? busy(compTasks, commit[0], end) : none;
    const v = draw ? busy(vizTasks, draw[0], end) : none;
    return {
      mainMs: m.wall / 1000,
      compositorMs: c.wall / 1000,
      vizMs: v.wall / 1000,
      totalMs: (m.wall + c.wall + v.wall) / 1000,
      cpuMs: (m.cpu + c.cpu + v.cpu) / 1000,
      presented: swap !== undefined,
      wallMs: (end - start) / 1000,
    };
  });
}
