/**
 * Flow arrows (put → get, start → begins, set → woke…). By default only those of the selected step and
 * its neighbours are drawn, so a run with hundreds of hand-offs stays readable; the toolbar's "All
 * arrows" draws every one in view. Arrows leaving one place for several rows share one trunk (a
 * queue feeding many getters reads as one fork, not a fan of diagonals), and an arrow into a folded
 * row ends on that row with the number of hand-offs it stands for.
 */
import type { TraceModel } from '../shared/traceModel';
import { MARKER_H, RULER_H, type Row } from './layout';
import { toX, visitIntervals, type Scale } from './lod';
import type { ModelIndex } from './modelIndex';
import type { Theme } from './theme';
import type { ViewState } from './viewState';

/** Above this many arrows in view, "All arrows" leaves the rest out and says so. */
export const MAX_FLOWS_PER_FRAME = 400;
/** Sources closer than this (CSS px) on one row are one place: their arrows are bundled. */
const BUNDLE_PX = 12;
/** How far along the selected step's lane "its neighbours" reach, each way. */
const LANE_NEIGHBOURS = 1;

/** Flows (indexes into model.flows) touching the selected step and its neighbours. */
export function flowsNearStep(model: TraceModel, step: number): number[] {
  const steps = model.steps;
  const st = steps[step];
  if (st === undefined) return [];
  const orders = new Set<number>([st.order]);
  // The steps just before and after it in execution order, and on its own lane.
  for (const d of [-1, 1]) {
    const near = steps[step + d];
    if (near) orders.add(near.order);
    let found = 0;
    for (
      let i = step + d, guard = 0;
      i >= 0 && i < steps.length && found < LANE_NEIGHBOURS && guard < 100_000;
      i += d, guard++
    ) {
      if (steps[i].lane === st.lane) {
        orders.add(steps[i].order);
        found++;
      }
    }
  }
  const out: number[] = [];
  model.flows.forEach((f, i) => {
    if (orders.has(f.fromOrder) || orders.has(f.toOrder)) out.push(i);
  });
  return out;
}

const nearCache = new WeakMap<TraceModel, { step: number; flows: number[] }>();

function selectedFlows(v: ViewState): number[] {
  if (v.selected < 0 || v.pending === true) return [];
  const hit = nearCache.get(v.model);
  if (hit && hit.step === v.selected) return hit.flows;
  const flows = flowsNearStep(v.model, v.selected);
  nearCache.set(v.model, { step: v.selected, flows });
  return flows;
}

export interface FlowFrame {
  ctx: CanvasRenderingContext2D;
  v: ViewState;
  s: Scale;
  theme: Theme;
  width: number;
  height: number;
}

/** One drawn arrow: possibly several flows between the same places. */
interface Arrow {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  fromRow: number;
  toRow: number;
  count: number;
  /** It ends on a row that folds several lanes (a collapsed parent or an internal group). */
  toGroup: boolean;
}

/** What the last frame's arrows were: how many drawn, left out, bundled into trunks, and where they end. */
export interface FlowsDrawn {
  arrows: number;
  skipped: number;
  /** Trunks drawn (places where one source fans out to several rows). */
  trunks: number;
  /** Each arrow's end row, the number of flows it stands for, and whether that row folds several lanes. */
  ends: { row: number; count: number; group: boolean }[];
}

/** The last frame's arrows (the browser tests read it through the app's probe). */
export let lastFlows: FlowsDrawn = { arrows: 0, skipped: 0, trunks: 0, ends: [] };

function rowMid(v: ViewState, row: Row): number {
  return RULER_H + row.y - v.scrollY + MARKER_H / 2 - 1;
}

/** Collects the arrows to draw, merging flows that start and end at the same places. */
function collect(f: FlowFrame, ids: Iterable<number>, limit: number): { arrows: Arrow[]; skipped: number } {
  const { v, s, height } = f;
  const cols: ModelIndex['cols'] = v.index.cols;
  const merged = new Map<string, Arrow>();
  let skipped = 0;
  for (const id of ids) {
    const fromLane = cols.flowFromLane[id];
    const toLane = cols.flowToLane[id];
    const fromRow = v.layout.rowOfLane[fromLane];
    const toRow = v.layout.rowOfLane[toLane];
    if (fromRow === undefined || toRow === undefined || fromRow < 0 || toRow < 0 || fromRow === toRow) continue;
    const a = v.layout.rows[fromRow];
    const b = v.layout.rows[toRow];
    const y1 = rowMid(v, a);
    const y2 = rowMid(v, b);
    if ((y1 < RULER_H && y2 < RULER_H) || (y1 > height && y2 > height)) continue;
    const x1 = toX(s, cols.flowFromTs[id]);
    const x2 = toX(s, cols.flowToTs[id]);
    const key = `${fromRow}:${Math.round(x1 / BUNDLE_PX)}:${toRow}:${Math.round(x2 / BUNDLE_PX)}`;
    const same = merged.get(key);
    if (same) {
      same.count++;
      continue;
    }
    if (merged.size >= limit) {
      skipped++;
      continue;
    }
    const toGroup = b.type === 'internal' || b.lane !== toLane;
    merged.set(key, { x1, y1, x2, y2, fromRow, toRow, count: 1, toGroup });
  }
  return { arrows: [...merged.values()], skipped };
}

function head(p: Path2D, x: number, y: number): void {
  p.moveTo(x - 1, y);
  p.lineTo(x - 7, y - 3.5);
  p.lineTo(x - 7, y + 3.5);
  p.closePath();
}

/**
 * Draws the arrows in view: the selection's by default, every one with `v.allFlows`. Returns how many
 * were drawn and how many were left out (too many to read at this zoom).
 */
export function drawFlows(f: FlowFrame): FlowsDrawn {
  const { ctx, v, s, theme } = f;
  let found: { arrows: Arrow[]; skipped: number };
  if (v.allFlows) {
    const ids: number[] = [];
    visitIntervals(v.index.flows, s, (run) => {
      for (let k = run.first; k < run.first + run.count; k++) ids.push(v.index.flows.ids[k]);
    });
    found = collect(f, ids, MAX_FLOWS_PER_FRAME);
  } else found = collect(f, selectedFlows(v), MAX_FLOWS_PER_FRAME);
  const { arrows, skipped } = found;
  lastFlows = {
    arrows: arrows.length,
    skipped,
    trunks: 0,
    ends: arrows.map((a) => ({ row: a.toRow, count: a.count, group: a.toGroup })),
  };
  if (arrows.length === 0) return lastFlows;
  // Arrows that leave one place for several rows: one trunk, then a branch into each row.
  // (Clustered along each source row: a fork starts at its first source and takes those within BUNDLE_PX.)
  const forks: Arrow[][] = [];
  const bySource = [...arrows].sort((a, b) => a.fromRow - b.fromRow || a.x1 - b.x1);
  for (const a of bySource) {
    const fork = forks[forks.length - 1];
    if (fork && fork[0].fromRow === a.fromRow && a.x1 - fork[0].x1 <= BUNDLE_PX) fork.push(a);
    else forks.push([a]);
  }
  // All lines in one path and all heads in another: one stroke and one fill however many arrows.
  const lines = new Path2D();
  const heads = new Path2D();
  const counts: Arrow[] = [];
  for (const fork of forks) {
    for (const a of fork) if (a.count > 1 || a.toGroup) counts.push(a);
    if (fork.length === 1) {
      const a = fork[0];
      const bend = Math.max(8, Math.min(40, Math.abs(a.x2 - a.x1) / 2));
      lines.moveTo(a.x1, a.y1);
      lines.bezierCurveTo(a.x1 + bend, a.y1, a.x2 - bend, a.y2, a.x2 - 4, a.y2);
      head(heads, a.x2, a.y2);
      continue;
    }
    lastFlows.trunks++;
    const x1 = fork[0].x1;
    const y1 = fork[0].y1;
    // The trunk runs down (or up) just before the earliest arrival, so the branches stay short.
    const firstArrival = Math.min(...fork.map((a) => a.x2));
    const xt = Math.max(x1 + 6, firstArrival - 10);
    const ys = fork.map((a) => a.y2);
    lines.moveTo(x1, y1);
    lines.lineTo(xt, y1);
    lines.moveTo(xt, Math.min(y1, ...ys));
    lines.lineTo(xt, Math.max(y1, ...ys));
    for (const a of fork) {
      lines.moveTo(xt, a.y2);
      lines.lineTo(Math.max(xt, a.x2 - 4), a.y2);
      head(heads, Math.max(xt + 7, a.x2), a.y2);
    }
  }
  ctx.strokeStyle = v.allFlows ? theme.muted : theme.foreground;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.globalAlpha = v.allFlows ? 0.8 : 0.9;
  ctx.lineWidth = v.allFlows ? 1.25 : 1.5;
  ctx.stroke(lines);
  ctx.fill(heads);
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1;
  // An arrow standing for several hand-offs (or ending on a folded row) says how many.
  ctx.font = `10px ${theme.font}`;
  ctx.textAlign = 'left';
  for (const a of counts) {
    const label = `×${a.count}`;
    const w = ctx.measureText(label).width + 6;
    const x = Math.max(a.x1, a.x2 - 8 - w);
    ctx.fillStyle = theme.laneHeader;
    ctx.fillRect(x, a.y2 - 13, w, 11);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(label, x + 3, a.y2 - 7.5);
  }
  ctx.font = `11px ${theme.font}`;
  return lastFlows;
}
