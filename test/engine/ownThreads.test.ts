// Threads the program starts to run event loops are its own lanes, with their tasks, on real Pythons:
// a thread with target=asyncio.run was folded into "1 internal lane" with all its tasks and prints.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPython } from '../../src/checks/engine';
import { exploreHint } from '../../src/explore/exploreHint';
import type { Lane, TraceModel } from '../../src/shared/traceModel';
import { MAIN_PYTHON, OLD_PYTHON, repoRoot, run } from './engineHelpers';

const program = readFileSync(join(repoRoot, 'test', 'fixtures', 'programs', 'threads_own_loops.py'), 'utf8');

/** Is the lane shown as the program's: neither it nor a lane it sits in is internal (folded). */
function shown(model: TraceModel, lane: Lane): boolean {
  for (let l: Lane | undefined = lane; l; l = l.parent >= 0 ? model.lanes[l.parent] : undefined) {
    if (l.internal) return false;
  }
  return true;
}

for (const python of [MAIN_PYTHON, OLD_PYTHON]) {
  void test(
    `a thread running asyncio.run or loop.run_forever shows as the program's, with its tasks (${python})`,
    {
      skip: python === undefined ? 'Python 3.8 is not installed' : false,
    },
    async () => {
      const { model } = await run(program, { python });
      assert.equal(model.exitCode, 0);
      const lane = (name: string): Lane => {
        const found = model.lanes.find((l) => l.kind === 'thread' && l.name === name);
        assert.ok(found, name);
        return found;
      };
      for (const name of ['by-asyncio-run', 'by-run-forever', 'by-lambda', 'executor-user', 'dummy-process']) {
        assert.ok(shown(model, lane(name)), name);
      }
      const tasksOf = (name: string): Lane[] =>
        model.lanes.filter((l) => l.kind === 'task' && l.parent === lane(name).id);
      // main() of asyncio.run and the three add_one() it gathers; the task run_coroutine_threadsafe made
      assert.equal(tasksOf('by-asyncio-run').filter((t) => shown(model, t)).length, 4);
      assert.equal(tasksOf('by-run-forever').filter((t) => shown(model, t)).length, 1);
      // A thread Pool's workers run the program's square(); its 3 handler threads stay folded.
      const squares = model.spans.filter((s) => s.name === 'square');
      assert.equal(squares.length, 3);
      assert.ok(squares.every((s) => shown(model, model.lanes[s.lane])));
      assert.equal(model.lanes.filter((l) => l.kind === 'thread' && l.internal).length, python === OLD_PYTHON ? 3 : 4);
      // Three of its tasks shared an asyncio.Lock: the hint counts those tasks, not all 7 nor the threads.
      assert.match(
        exploreHint(model, checkPython(program)) ?? '',
        /^This run shows one schedule: 3 tasks share one asyncio\.Lock\. /,
      );
    },
  );
}
