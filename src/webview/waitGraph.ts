/**
 * The wait-for graph on the canvas, for a run that ended with lanes stuck (a timeout or Stop): from
 * each stuck lane an arrow to the lane holding what it waits for, near the end of the run where the
 * red "stuck" bands are. A cycle (a deadlock) is drawn in the error colour, thicker, and labelled.
 * The banner says the same in words (src/shared/waitFor.ts finds both).
 */
import type { WaitForGraph } from '../shared/waitFor';
import { MARKER_H, RULER_H } from './layout';
import { toX } from './lod';
import type { FlowFrame } from './flows';

/** Horizontal room between two edges' arrows, so a cycle's arrows (a → b, b → a) don't overlap. */
const EDGE_GAP_PX = 18;

function rowMidOf(f: FlowFrame, lane: number): number | null {
  const ri = f.v.layout.rowOfLane[lane];
  if (ri === undefined || ri < 0) return null;
  return RULER_H + f.v.layout.rows[ri].y - f.v.scrollY + MARKER_H / 2 - 1;
}

/** One drawn wait-for arrow: from the waiter's row to its arrowhead on the holder's row (CSS px). */
export interface DrawnWait {
  waiter: number;
  holder: number;
  cycle: boolean;
  x: number;
  /** Where it leaves the waiter's row. */
  fromY: number;
  headY: number;
  /** Where its label went (undefined: no room for it). */
  label?: TextBox;
}

/** A label's box on the canvas (CSS px). */
export interface TextBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function collides(b: TextBox, taken: readonly TextBox[]): boolean {
  return taken.some((t) => b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1);
}

/** The last frame's wait-for arrows (the browser tests read them through the app's probe). */
export let lastWaits: DrawnWait[] = [];

/**
 * Draws the graph; `taken` holds the boxes of the text already on the lanes (the red "stuck: …" of the
 * wait bands, span names, prints): an arrow's label goes where it covers none of them, else it is left out (the banner says
 * the whole cycle in words).
 */
export function drawWaitGraph(f: FlowFrame, graph: WaitForGraph | undefined, taken: readonly TextBox[] = []): void {
  lastWaits = [];
  if (!graph) return;
  const { ctx, v, s, theme } = f;
  const edges = graph.edges.filter((e) => e.holder >= 0);
  if (edges.length === 0) return;
  const inCycle = new Set(graph.cycle);
  const end = Math.min(f.width - 16, toX(s, v.model.duration) - 16);
  ctx.font = `10px ${theme.font}`;
  const placed: TextBox[] = [...taken];
  /** Each arrow drawn, for the labels placed after all of them: none goes over another's arrow. */
  const drawn: { e: (typeof edges)[number]; wait: DrawnWait; cycle: boolean; y2: number }[] = [];
  edges.forEach((e, k) => {
    const y1 = rowMidOf(f, e.waiter);
    const y2 = rowMidOf(f, e.holder);
    if (y1 === null || y2 === null || y1 === y2) return;
    const since = toX(s, v.model.markers[e.marker]?.ts ?? 0);
    // Right of where the wait began, unless that is past the end: a run stopped as its lanes blocked ends
    // with their waits, and its arrows stand in the last pixels rather than off the canvas.
    const ideal = Math.max(since + 8, end - k * EDGE_GAP_PX);
    const x = ideal > end ? end - k * EDGE_GAP_PX : ideal;
    if (x < f.v.gutterW || x > f.width) return;
    const cycle = inCycle.has(e.waiter) && inCycle.has(e.holder);
    const color = cycle ? theme.error : theme.warning;
    const dir = y2 > y1 ? 1 : -1;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = cycle ? 2.5 : 1.5;
    ctx.globalAlpha = 1;
    // Out of the stuck band, down (or up) to the holder's row, head on it.
    ctx.beginPath();
    ctx.arc(x, y1, 3, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(x, y1);
    ctx.bezierCurveTo(x + 10, y1 + dir * 8, x + 10, y2 - dir * 14, x, y2 - dir * 6);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x, y2 - dir * 1);
    ctx.lineTo(x - 4, y2 - dir * 8);
    ctx.lineTo(x + 4, y2 - dir * 8);
    ctx.closePath();
    ctx.fill();
    const wait: DrawnWait = { waiter: e.waiter, holder: e.holder, cycle, x, fromY: y1, headY: y2 - dir * 5 };
    lastWaits.push(wait);
    drawn.push({ e, wait, cycle, y2 });
    placed.push({ x0: x - 5, x1: x + 12, y0: Math.min(y1, y2) - 4, y1: Math.max(y1, y2) + 4 });
  });
  const leftmost = Math.min(...drawn.map((d) => d.wait.x));
  // A cycle's labels are placed first: where room is short (a narrow panel) they are what must be read.
  drawn.sort((a, b) => Number(b.cycle) - Number(a.cycle));
  for (const { e, wait, cycle, y2 } of drawn) {
    const { x } = wait;
    // "holds Lock #2" beside the head: what the holder keeps from the waiter (a joined lane must end).
    const joined = /_join$/.test(v.model.markers[e.marker]?.kind ?? '');
    const label = `${cycle ? 'deadlock: ' : ''}${joined ? 'must end first' : `holds ${e.what}`}`;
    const w = ctx.measureText(label).width + 8;
    // Beside the head on the holder's row (left of the arrow, else right), else a line lower or higher, else
    // nowhere: over no other text (`taken` has every label on the lanes, span names and prints too).
    // When another arrow passes left of this one, left of every arrow, moving left past other labels (on the
    // holder's row it still reads as the holder's).
    const left = Math.max(f.v.gutterW + 2, x - 8 - w);
    const leftOfAll = [0, 1, 2, 3, 4, 5, 6, 7, 8]
      .map((i) => leftmost - 8 - w - i * 30)
      .filter((lx) => lx >= f.v.gutterW + 2);
    const spots = [y2, y2 + 12, y2 - 12].flatMap((ly) => [
      { lx: left, ly },
      { lx: x + 10, ly },
      ...leftOfAll.map((lx) => ({ lx, ly })),
    ]);
    const spot = spots.find(
      (p) => p.lx + w <= f.width && !collides({ x0: p.lx, x1: p.lx + w, y0: p.ly - 6, y1: p.ly + 6 }, placed),
    );
    if (!spot) continue;
    const { lx, ly } = spot;
    wait.label = { x0: lx, x1: lx + w, y0: ly - 6, y1: ly + 6 };
    placed.push(wait.label);
    ctx.fillStyle = theme.background;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(lx, ly - 6, w, 12);
    ctx.globalAlpha = 1;
    // A cycle's label in the error colour; others in the text colour, since the warning colour is too pale to
    // read as text on a light theme (its arrow keeps it).
    ctx.fillStyle = cycle ? theme.error : theme.foreground;
    ctx.textAlign = 'left';
    ctx.fillText(label, lx + 4, ly);
  }
  ctx.lineWidth = 1;
  ctx.font = `11px ${theme.font}`;
}
