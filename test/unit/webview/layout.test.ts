import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Lane, TraceModel } from '../../../src/shared/traceModel';
import {
  GROUP_H,
  foldedLanesChanged,
  laneHeight,
  layoutLanes,
  rowAt,
  unfoldedSteps,
  type LayoutState,
} from '../../../src/webview/layout';

function lane(id: number, kind: Lane['kind'], parent: number, name: string, internal = false): Lane {
  return {
    id,
    kind,
    parent,
    name,
    pid: 1,
    tid: 0,
    task: 0,
    internal,
    depth: kind === 'process' ? 0 : kind === 'thread' ? 1 : 2,
    start: 0,
    end: 1,
    info: {},
  };
}

const lanes: Lane[] = [
  lane(0, 'process', -1, 'MainProcess'),
  lane(1, 'thread', 0, 'MainThread'),
  lane(2, 'task', 1, 'Task-1'),
  lane(3, 'thread', 0, 'QueueFeederThread', true),
  lane(4, 'thread', 0, 'worker'),
  lane(5, 'process', -1, 'resource_tracker', true),
];
const depths = [0, 2, 0, 0, 0, 0];
const base: LayoutState = { collapsed: new Set(), internalShown: new Set(), showAllInternal: false, laneFilter: -1 };

test('lanes nest process → thread → task; internal lanes fold into a group row', () => {
  const l = layoutLanes(lanes, depths, base);
  assert.deepEqual(
    l.rows.map((r) => (r.type === 'lane' ? lanes[r.lane].name : `group(${r.lanes.join(',')})`)),
    ['MainProcess', 'MainThread', 'Task-1', 'worker', 'group(3)', 'group(5)'],
  );
  assert.deepEqual(
    l.rows.map((r) => r.indent),
    [0, 1, 2, 1, 1, 0],
  );
  assert.equal(l.rowOfLane[3], 4);
  assert.equal(l.rowOfLane[5], 5);
  assert.equal(l.rows[4].h, GROUP_H);
  assert.equal(l.rows[1].h, laneHeight(2));
  assert.ok(laneHeight(2) > laneHeight(0));
});

test('showing internal lanes and collapsing a thread', () => {
  const l = layoutLanes(lanes, depths, { ...base, showAllInternal: true, collapsed: new Set([1]) });
  // Own lanes come before a parent's internal ones.
  assert.deepEqual(
    l.rows.map((r) => (r.type === 'lane' ? r.lane : -1)),
    [0, 1, 4, 3, 5],
  );
  // The folded task is drawn on its thread's row.
  assert.equal(l.rowOfLane[2], 1);
  assert.equal(l.rows[1].type === 'lane' && l.rows[1].collapsed, true);
});

test('a lane filter keeps the lane, its ancestors and its descendants', () => {
  const l = layoutLanes(lanes, depths, { ...base, laneFilter: 1 });
  assert.deepEqual(
    l.rows.map((r) => (r.type === 'lane' ? r.lane : -1)),
    [0, 1, 2],
  );
  assert.equal(l.rowOfLane[4], -1);
});

test('rowAt finds rows by content y', () => {
  const l = layoutLanes(lanes, depths, base);
  assert.equal(rowAt(l, 0), 0);
  assert.equal(rowAt(l, l.rows[3].y + 1), 3);
  assert.equal(rowAt(l, l.height + 5), -1);
});

test('a parent cycle does not hang and still shows every lane', () => {
  const cyc = [lane(0, 'thread', 1, 'a'), lane(1, 'thread', 0, 'b')];
  const l = layoutLanes(cyc, [0, 0], base);
  assert.equal(l.rows.length, 2);
});

test('the step list leaves out the steps of lanes folded into a group row, and only those', () => {
  // one step per lane, in lane order
  const model = { lanes, steps: lanes.map((l) => ({ lane: l.id })) } as unknown as TraceModel;
  const all = Int32Array.from(lanes.map((l) => l.id));
  const folded = layoutLanes(lanes, depths, base);
  assert.deepEqual([...unfoldedSteps(model, all, folded)], [0, 1, 2, 4]);
  // a collapsed process hides its lanes (internal ones too) under its own row: their steps stay listed
  const collapsed = layoutLanes(lanes, depths, { ...base, collapsed: new Set([0]) });
  assert.deepEqual([...unfoldedSteps(model, all, collapsed)], [0, 1, 2, 3, 4]);
  const shown = layoutLanes(lanes, depths, { ...base, showAllInternal: true });
  assert.deepEqual([...unfoldedSteps(model, all, shown)], [0, 1, 2, 3, 4, 5]);
  const one = layoutLanes(lanes, depths, { ...base, internalShown: new Set([0]) });
  assert.deepEqual([...unfoldedSteps(model, all, one)], [0, 1, 2, 3, 4]);
  assert.equal(foldedLanesChanged(folded, shown), true);
  assert.equal(foldedLanesChanged(folded, collapsed), true);
  assert.equal(foldedLanesChanged(folded, layoutLanes(lanes, depths, base)), false);
});
