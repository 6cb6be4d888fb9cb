/** What the program printed, its exceptions, the tracer's limits and their summary, and the explorer's picks. */
import type { Marker, Step } from '../../shared/traceModel';
import { asData, clip, num, str } from '../rawData';
import type { FamilyOf } from './handler';

/** Longest output line kept in the model (the supervisor's raw stdout keeps everything up to its cap). */
const MAX_OUTPUT_LINE = 10_000;
/**
 * Output lines become one step per burst: consecutive lines of one lane and one stream, written by one
 * line of the program (a loop's print, or one print of several lines; two print statements in a row are
 * two steps, each with its own number and source line), with no other step between them (another lane's
 * event or the same lane's own ends a burst, so the step list keeps the execution order), each written
 * within BURST_GAP_NS of the one before (a pause is a new step: a loop that prints a tick a second shows
 * one step per tick).
 */
export const BURST_GAP_NS = 50_000_000;
/** How much of a burst the hover card shows (the output pane has every line). */
const HOVER_LINES = 20;
const HOVER_TEXT = 4_000;

interface Burst {
  marker: Marker;
  step: Step;
  pid: number;
  tid: number;
  task: number;
  stream: string;
  /** The program line that wrote it (0: unknown, as for a partial line flushed at exit). */
  line: number;
  lastTs: number;
  lines: string[];
}

export const output: FamilyOf<'print' | 'exc' | 'limit' | 'summary' | 'sched_pick'> = (b) => {
  let burst: Burst | undefined;
  return {
    handlers: {
      print(ev, ts) {
        const d = asData(ev[6]);
        const stream = str(d, 'stream') === 'stderr' ? 'stderr' : 'stdout';
        const text = clip(str(d, 'text'), MAX_OUTPUT_LINE);
        const line = num(d, 'line') ?? 0;
        const [, , pid, tid, task] = ev;
        const b0 = burst;
        if (
          b0 &&
          b.steps[b.steps.length - 1] === b0.step &&
          b0.pid === pid &&
          b0.tid === tid &&
          b0.task === task &&
          b0.stream === stream &&
          b0.line === line &&
          ts - b0.lastTs <= BURST_GAP_NS
        ) {
          b.laneOf(pid, tid, task, ts); // extends the lane's time range
          b0.lastTs = ts;
          b0.lines.push(text);
          const label = burstLabel(stream, b0.lines);
          b0.marker.label = b0.step.text = label;
          b0.marker.detail.text = burstText(b0.lines);
          b0.marker.detail.lines = String(b0.lines.length);
          b.output.push({ order: b0.step.order, ts, lane: b0.marker.lane, stream, text });
          return;
        }
        const here = b.marker('print', ev, ts);
        const marker = b.markers[b.markers.length - 1];
        burst = { marker, step: b.steps[b.steps.length - 1], pid, tid, task, stream, line, lastTs: ts, lines: [text] };
        b.output.push({ order: here.order, ts, lane: here.lane, stream, text });
      },
      exc(ev, ts) {
        b.marker('exc', ev, ts);
      },
      limit(ev, ts) {
        b.marker('limit', ev, ts);
      },
      sched_pick(ev, ts) {
        b.marker('sched_pick', ev, ts);
      },
      summary(ev) {
        const d = asData(ev[6]);
        b.droppedEvents += Math.max(0, num(d, 'dropped_events') ?? 0);
        for (const v of Object.values(asData(d.suppressed_calls)))
          if (typeof v === 'number' && v > 0) b.suppressedCalls += v;
      },
    },
  };
};

/** A burst's lines for the hover card: the first HOVER_LINES, then how many more the output pane has. */
function burstText(lines: string[]): string {
  const more = lines.length - HOVER_LINES;
  return (
    clip(lines.slice(0, HOVER_LINES).join('\n'), HOVER_TEXT) +
    (more > 0 ? `\n… ${more} more line${more === 1 ? '' : 's'} in Output` : '')
  );
}

/** "print (3 lines): first line" for a burst. */
function burstLabel(stream: string, lines: string[]): string {
  return `${stream === 'stderr' ? 'stderr' : 'print'} (${lines.length} lines): ${clip(lines[0], 200)}`;
}
