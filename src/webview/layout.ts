/**
 * Vertical layout of the lanes: process → thread → task, runtime-internal lanes folded into one
 * group row per parent until expanded. Pure: works on the model's lanes and plain state.
 */
import type { Lane, TraceModel } from '../shared/traceModel';

export const RULER_H = 22;
export const MARKER_H = 16;
export const SPAN_H = 15;
export const GROUP_H = 20;
export const ROW_GAP = 3;
/** Deeper calls are still drawn, squeezed into the last row. */
export const MAX_SPAN_ROWS = 10;

export interface LaneRow {
  type: 'lane';
  lane: number;
  /** Display nesting (0 process, 1 thread, 2 task) within the visible tree. */
  indent: number;
  hasChildren: boolean;
  collapsed: boolean;
  y: number;
  h: number;
}

export interface GroupRow {
  type: 'internal';
  /** The lane whose internal children are folded here. */
  parent: number;
  lanes: number[];
  indent: number;
  y: number;
  h: number;
}

export type Row = LaneRow | GroupRow;

export interface LayoutState {
  /** Lanes whose children are hidden. */
  collapsed: ReadonlySet<number>;
  /** Parents whose internal lanes are shown. */
  internalShown: ReadonlySet<number>;
  /** Show every internal lane everywhere (toolbar toggle). */
  showAllInternal: boolean;
  /** Only this lane (with its ancestors and descendants); -1 for all. */
  laneFilter: number;
}

export interface Layout {
  rows: Row[];
  height: number;
  /** lane id → index of the row that shows it (itself or the nearest visible ancestor/group), -1 if filtered out. */
  rowOfLane: Int32Array;
}

export function laneHeight(maxDepth: number): number {
  const spanRows = Math.min(MAX_SPAN_ROWS, Math.max(1, maxDepth + 1));
  return MARKER_H + spanRows * SPAN_H + ROW_GAP;
}

function childrenOf(lanes: Lane[]): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const l of lanes) {
    const p = l.parent >= 0 && l.parent < lanes.length && l.parent !== l.id ? l.parent : -1;
    const list = kids.get(p);
    if (list) list.push(l.id);
    else kids.set(p, [l.id]);
  }
  return kids;
}

function relatives(lanes: Lane[], kids: Map<number, number[]>, lane: number): Set<number> {
  const keep = new Set<number>();
  for (let a = lane, guard = 0; a >= 0 && a < lanes.length && guard < lanes.length; a = lanes[a].parent, guard++)
    keep.add(a);
  const stack = [lane];
  while (stack.length > 0) {
    const l = stack.pop() as number;
    keep.add(l);
    for (const c of kids.get(l) ?? []) stack.push(c);
  }
  return keep;
}

export function layoutLanes(lanes: Lane[], maxDepth: ArrayLike<number>, state: LayoutState): Layout {
  const kids = childrenOf(lanes);
  const keep =
    state.laneFilter >= 0 && state.laneFilter < lanes.length ? relatives(lanes, kids, state.laneFilter) : null;
  const rows: Row[] = [];
  const rowOfLane = new Int32Array(lanes.length).fill(-1);
  const visited = new Set<number>();
  let y = 0;

  const markHidden = (lane: number, row: number): void => {
    const stack = [lane];
    while (stack.length > 0) {
      const l = stack.pop() as number;
      if (visited.has(l)) continue;
      visited.add(l);
      if (keep === null || keep.has(l)) rowOfLane[l] = row;
      for (const c of kids.get(l) ?? []) stack.push(c);
    }
  };

  const addLane = (lane: number, indent: number): void => {
    if (visited.has(lane)) return;
    if (keep !== null && !keep.has(lane)) {
      visited.add(lane);
      return;
    }
    visited.add(lane);
    const children = (kids.get(lane) ?? []).filter((c) => keep === null || keep.has(c));
    const collapsed = state.collapsed.has(lane) && children.length > 0;
    const h = laneHeight(maxDepth[lane] ?? 0);
    const row = rows.length;
    rows.push({ type: 'lane', lane, indent, hasChildren: children.length > 0, collapsed, y, h });
    rowOfLane[lane] = row;
    y += h;
    if (collapsed) {
      for (const c of children) markHidden(c, row);
      return;
    }
    const own = children.filter((c) => !lanes[c].internal);
    const internal = children.filter((c) => lanes[c].internal);
    for (const c of own) addLane(c, indent + 1);
    if (internal.length === 0) return;
    if (state.showAllInternal || state.internalShown.has(lane) || keep !== null) {
      for (const c of internal) addLane(c, indent + 1);
    } else {
      const groupRow = rows.length;
      rows.push({ type: 'internal', parent: lane, lanes: internal, indent: indent + 1, y, h: GROUP_H });
      y += GROUP_H;
      for (const c of internal) markHidden(c, groupRow);
    }
  };

  for (const root of kids.get(-1) ?? []) {
    if (lanes[root].internal && !state.showAllInternal && keep === null) {
      // An internal top-level process (resource tracker, forkserver): fold it like any other internal lane.
      const groupRow = rows.length;
      rows.push({ type: 'internal', parent: -1, lanes: [root], indent: 0, y, h: GROUP_H });
      y += GROUP_H;
      markHidden(root, groupRow);
      continue;
    }
    addLane(root, 0);
  }
  // Lanes on a parent cycle or with a dangling parent still get a row.
  for (const l of lanes) if (!visited.has(l.id)) addLane(l.id, 0);
  return { rows, height: y, rowOfLane };
}

/** Row under content y (binary search over the row tops), -1 if none. */
export function rowAt(layout: Layout, y: number): number {
  let lo = 0;
  let hi = layout.rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = layout.rows[mid];
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.h) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Is `lane` folded into an "N internal lanes" row (not drawn as a lane of its own)? */
export function inFoldedGroup(layout: Layout, lane: number): boolean {
  const r = lane >= 0 && lane < layout.rowOfLane.length ? layout.rowOfLane[lane] : -1;
  return r >= 0 && layout.rows[r].type === 'internal';
}

/** The steps of `rows` (step indices, ascending) whose lane is not folded into an internal-lanes row. */
export function unfoldedSteps(model: TraceModel, rows: Int32Array, layout: Layout): Int32Array {
  const folded = model.lanes.map((l) => inFoldedGroup(layout, l.id));
  if (!folded.includes(true)) return rows;
  return rows.filter((i) => !folded[model.steps[i].lane]);
}

/** Did a lane go into or out of a folded internal-lanes row between two layouts of one model? */
export function foldedLanesChanged(a: Layout, b: Layout): boolean {
  if (a.rowOfLane.length !== b.rowOfLane.length) return true;
  for (let l = 0; l < a.rowOfLane.length; l++) if (inFoldedGroup(a, l) !== inFoldedGroup(b, l)) return true;
  return false;
}
