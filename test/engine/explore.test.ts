// `concurrency-lab explore`, run as a real process on real Pythons.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MAIN_PYTHON, repoRoot, run, tracerDir, withTempDir } from './engineHelpers';

const cli = join(repoRoot, 'out', 'src', 'cli.js');
const racy = (name: string): string => join(repoRoot, 'test', 'fixtures', 'explore', 'racy', name);

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [cli, 'explore', ...args, '--python', MAIN_PYTHON, '--tracer-dir', tracerDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJson = (stdout: string): Record<string, unknown> =>
  JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;

void test("explore --summary: one JSON object with exactly the issue's shape, and the deadlock it found", async () => {
  const r = await runCli([racy('lock_order_deadlock.py'), '--runs', '300', '--summary']);
  assert.equal(r.code, 1, r.stderr);
  const s = lastJson(r.stdout) as {
    runs: number;
    outcomes: Record<string, unknown>[];
    races: unknown[];
    deadlocks: { seed: number; cycle: Record<string, unknown>[] }[];
  };
  assert.deepEqual(Object.keys(s).sort(), ['complete', 'deadlocks', 'outcomes', 'races', 'runs']);
  for (const o of s.outcomes)
    assert.deepEqual(Object.keys(o).sort(), ['count', 'exitCode', 'failure', 'seed', 'stdout']);
  const failing = s.outcomes.find((o) => o.failure !== null) as { failure: Record<string, unknown>; seed: number };
  assert.deepEqual(Object.keys(failing.failure).sort(), ['kind', 'message']);
  assert.equal(failing.failure.kind, 'deadlock');
  assert.equal(s.deadlocks.length, 1);
  assert.deepEqual(Object.keys(s.deadlocks[0].cycle[0]).sort(), ['holds', 'lane', 'waitsFor']);
  assert.deepEqual(s.deadlocks[0].cycle.map((e) => e.waitsFor).sort(), ['Lock lock_a', 'Lock lock_b']);
  // the seed replays the same deadlock
  const again = await runCli([racy('lock_order_deadlock.py'), '--replay', String(failing.seed), '--summary']);
  const s2 = lastJson(again.stdout) as typeof s;
  assert.equal(s2.runs, 1);
  assert.deepEqual(s2.deadlocks, [{ ...s.deadlocks[0], seed: failing.seed }]);
});

void test('explore --json OUT writes every schedule; races name both accesses', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'explore.json');
    const r = await runCli([racy('lost_update_attr.py'), '--runs', '8', '--keep-going', '--json', out]);
    assert.equal(r.code, 1, r.stderr);
    // the systematic search covers this small program before 8 schedules and says so
    const shown = /(\d+) schedules \(every schedule: the search is complete\), 2 distinct outcomes/.exec(r.stderr);
    assert.ok(shown, r.stderr);
    assert.match(r.stderr, /race on Account\.balance/);
    const j = JSON.parse(await readFile(out, 'utf8')) as {
      runs: number;
      schedules: { seed: number; decisions: number[] }[];
      races: { accesses: { file: string }[] }[];
    };
    assert.equal(j.runs, Number(shown[1]));
    assert.equal(j.schedules.length, j.runs, 'every schedule is written');
    assert.equal(new Set(j.schedules.map((x) => x.seed)).size, j.runs, 'each with its own seed');
    assert.equal(j.races[0].accesses[0].file, racy('lost_update_attr.py'));
  }, 'cl-explore-');
});

void test('explore explains a program it cannot run', async () => {
  await withTempDir(async (dir) => {
    const { writeFile } = await import('node:fs/promises');
    const bad = join(dir, 'bad.py');
    await writeFile(bad, 'def f(:\n');
    const r = await runCli([bad, '--summary']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /SyntaxError.*line 1/);
  }, 'cl-explore-');
});

void test('explore --replay SEED --trace OUT: the Timeline of exactly that schedule, in its order, the same every time', async () => {
  const { importChromeTrace } = await import('../../src/trace/chromeTrace');
  await withTempDir(async (dir) => {
    const program = racy('lock_order_deadlock.py');
    const json = join(dir, 'explore.json');
    const found = await runCli([program, '--runs', '300', '--json', json]);
    assert.equal(found.code, 1, found.stderr);
    const schedule = (
      JSON.parse(await readFile(json, 'utf8')) as {
        schedules: { seed: number; failure: unknown; decisions: number[]; lanes: string[] }[];
      }
    ).schedules.at(-1)!;
    assert.ok(schedule.failure, 'the search stops at the deadlock');
    const picksOf = async (out: string): Promise<{ index: number; lane: string }[]> => {
      const r = await runCli([program, '--replay', String(schedule.seed), '--trace', out]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`seed ${schedule.seed} replayed and traced: \\d+ events written`));
      const imported = importChromeTrace(await readFile(out, 'utf8'));
      assert.ok('model' in imported, 'error' in imported ? imported.error : '');
      const m = imported.model;
      const own = m.lanes.filter((l) => l.kind === 'thread').map((l) => l.name);
      for (const lane of schedule.lanes) assert.ok(own.includes(lane), `lane ${lane} in ${own.join(', ')}`);
      // the deadlock shows: both workers wait for a lock the other holds (a blocking acquire is also a
      // scheduling point, so a worker preempted at a free lock shows a short wait too: count the stuck ones)
      const { waitForGraph } = await import('../../src/shared/waitFor');
      const graph = waitForGraph(m);
      assert.deepEqual(
        graph.cycle.map((l) => m.lanes[l].name).sort(),
        [...schedule.lanes].filter((l) => l !== 'MainThread').sort(),
        graph.sentence,
      );
      assert.ok(m.error && /Deadlock/.test(m.error.message), JSON.stringify(m.error));
      const markers = [...m.markers].sort((a, b) => a.order - b.order);
      return markers
        .filter((x) => x.kind === 'sched_pick')
        .map((x) => ({ index: Number(x.detail.index), lane: m.lanes[x.lane].name }));
    };
    const picks = await picksOf(join(dir, 'a.json'));
    assert.ok(picks.length >= 2, 'the schedule switches lanes');
    // each switch sits on the lane the schedule chose at that decision, in the schedule's order
    for (const p of picks) assert.equal(p.lane, schedule.lanes[schedule.decisions[p.index]], `decision ${p.index}`);
    assert.deepEqual(
      picks.map((p) => p.index),
      [...picks.map((p) => p.index)].sort((a, b) => a - b),
    );
    assert.deepEqual(await picksOf(join(dir, 'b.json')), picks);
  }, 'cl-explore-');
});

void test('explore --trace without --replay is refused with a reason', async () => {
  const r = await runCli([racy('lock_order_deadlock.py'), '--trace', '/dev/null']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--trace records one schedule: give it with --replay SEED/);
});

void test('explore --json and --trace into a folder that does not exist: exit 2, and stderr names the path', async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, 'no-such-folder', 'out.json');
    const json = await runCli([racy('lock_order_deadlock.py'), '--runs', '2', '--json', missing]);
    assert.equal(json.code, 2, json.stderr);
    assert.ok(json.stderr.includes(`cannot write ${missing}`), json.stderr);
    const trace = await runCli([racy('lock_order_deadlock.py'), '--replay', '1', '--trace', missing]);
    assert.equal(trace.code, 2, trace.stderr);
    assert.ok(trace.stderr.includes(`cannot write ${missing}`), trace.stderr);
  }, 'cl-explore-');
});

void test('Compare: two schedules in one Timeline, one process each, both marked where their decisions part', async () => {
  const { compareReplays } = await import('../../src/explore/compareReplays');
  const { runExplore } = await import('../../src/explore/exploreRun');
  const program = racy('lost_update_attr.py');
  const opts = {
    python: MAIN_PYTHON,
    file: program,
    cwd: join(repoRoot, 'test', 'fixtures', 'explore', 'racy'),
    tracerDir,
    timeoutS: 20,
  };
  const explored = await runExplore({ ...opts, runs: 6, seed: 0, keepGoing: true });
  const [a, b] = explored.records.filter(
    (r, i, all) => all.findIndex((o) => JSON.stringify(o.decisions) === JSON.stringify(r.decisions)) === i,
  );
  assert.ok(a && b, 'two different schedules');
  const c = await compareReplays(opts, a, b);
  assert.ok(c.model, c.error);
  const processes = c.model.lanes.filter((l) => l.kind === 'process').map((l) => l.name);
  assert.deepEqual(
    processes.map((n) => n.replace(/ \(pid \d+\)$/, '')),
    [a, b].map(
      (r, i) => `${'AB'[i]} · seed ${r.seed} (${r.failure ? 'failing' : r.races.length ? 'racy' : 'passing'})`,
    ),
  );
  const parts = c.model.markers.filter((m) => m.kind === 'sched_pick' && m.detail.parts === 'true');
  assert.equal(parts.length, 2, 'one mark in each schedule');
  assert.deepEqual(
    parts.map((m) => Number(m.detail.index)),
    [c.partsAt, c.partsAt],
  );
  assert.ok(parts.every((m) => m.severity === 'warn'));
  assert.notEqual(c.model.lanes[parts[0].lane].pid, c.model.lanes[parts[1].lane].pid);
  // The two replays start up for different times; their programs' first lines are at the same instant.
  const modules = c.model.spans.filter((s) => s.name === '<module>');
  assert.equal(modules.length, 2);
  assert.equal(modules[0].start, modules[1].start);
  // A replayed thread's start links to the line that started it (t.start(), line 21), as a traced run's does.
  const starts = c.model.markers.filter((m) => m.kind === 'thread_start');
  assert.ok(starts.length >= 4, `thread starts: ${starts.length}`);
  assert.deepEqual(
    starts.map((m) => m.line),
    starts.map(() => 21),
  );
});

void test('explore --replay SEED --trace OUT of a racy schedule: the Timeline marks the two accesses the detector proved, on their lanes, and says it', async () => {
  const { importChromeTrace } = await import('../../src/trace/chromeTrace');
  const { raceSentences } = await import('../../src/shared/raceText');
  await withTempDir(async (dir) => {
    const program = join(repoRoot, 'media', 'demos', 'race_condition.py');
    const json = join(dir, 'explore.json');
    const found = await runCli([program, '--runs', '1', '--json', json]);
    assert.equal(found.code, 1, found.stderr);
    const schedule = (
      JSON.parse(await readFile(json, 'utf8')) as {
        schedules: {
          seed: number;
          races: { target: string; accesses: { lane: string; line: number; kind: string }[] }[];
        }[];
      }
    ).schedules[0];
    assert.ok(schedule.races.length > 0, 'the first schedule has the race');
    const out = join(dir, 'replay.json');
    const r = await runCli([program, '--replay', String(schedule.seed), '--trace', out]);
    assert.equal(r.code, 0, r.stderr); // (a failure makes it 1, a race does not)
    const imported = importChromeTrace(await readFile(out, 'utf8'));
    assert.ok('model' in imported, 'error' in imported ? imported.error : '');
    const m = imported.model;
    // exactly the races the explorer reported for this schedule, with the same lanes, lines and kinds
    const shown = (m.races ?? []).map((x) => ({
      target: x.target,
      accesses: x.accesses.map((a) => ({ lane: m.lanes[a.lane].name, line: a.line, kind: a.kind })),
    }));
    assert.deepEqual(
      shown,
      schedule.races.map((x) => ({
        target: x.target,
        accesses: x.accesses.map((a) => ({ lane: a.lane, line: a.line, kind: a.kind })),
      })),
    );
    for (const race of m.races ?? [])
      for (const a of race.accesses) {
        const mark = m.markers[a.marker];
        assert.equal(mark.kind, 'shared_access');
        assert.equal(mark.lane, a.lane);
        assert.equal(mark.severity, 'error');
        assert.equal(m.sources[mark.source]?.file, program, 'the mark opens the program at its line');
        assert.ok(
          m.steps.some((s) => s.ref.type === 'marker' && s.ref.index === a.marker),
          'the mark is a step',
        );
      }
    assert.match(r.stderr, new RegExp(`; ${shown.length} data races? marked on the Timeline$`, 'm'));
    // only the raced accesses are marks: the run made hundreds of accesses
    const marks = m.markers.filter((x) => x.kind === 'shared_access').length;
    assert.ok(marks <= 2 * (m.races ?? []).length && (m.stats.eventsByKind.shared_access ?? 0) > 100, String(marks));
    // the lost updates' race, in words: two threads of the unsafe half, the read at L41 and the write at L43
    assert.ok(
      raceSentences(m).some((s) => /^Data race on Counter\.value: unsafe-\d .*L4[13].*unsafe-\d .*L4[13]/.test(s)),
      raceSentences(m).join('\n'),
    );
    // a correct program's replay has none
    const ok = join(dir, 'ok.json');
    const clean = await runCli([
      join(repoRoot, 'test', 'fixtures', 'explore', 'correct', 'locked_counter.py'),
      '--replay',
      '0',
      '--trace',
      ok,
    ]);
    assert.equal(clean.code, 0, clean.stderr);
    const okModel = importChromeTrace(await readFile(ok, 'utf8'));
    assert.ok('model' in okModel);
    assert.equal(okModel.model.races, undefined);
    assert.equal(okModel.model.markers.filter((x) => x.kind === 'shared_access').length, 0);
  }, 'cl-explore-');
});

void test('Open in Timeline of a queue program and an asyncio program: the marks, waits, arrows and task lanes a traced run shows', async () => {
  const { replayTraced } = await import('../../src/explore/replayTraced');
  type Model = NonNullable<Awaited<ReturnType<typeof replayTraced>>['model']>;
  const lane = (m: Model, i: number): string => m.lanes[i].name;
  /** Lane name -> the kinds of marks on it (the explorer's own sched_pick and race marks left out). */
  const kindsByLane = (m: Model, leaveOut: string[] = []): Record<string, string[]> => {
    const out: Record<string, Set<string>> = {};
    for (const x of m.markers)
      if (!['sched_pick', 'shared_access', ...leaveOut].includes(x.kind))
        (out[lane(m, x.lane)] ??= new Set()).add(x.kind);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
  };
  const count = (m: Model, kind: string): number => m.markers.filter((x) => x.kind === kind).length;
  for (const [name, seed] of [
    ['queue_sleeps.py', 2],
    ['asyncio_tasks.py', 1],
  ] as const) {
    const file = join(repoRoot, 'test', 'fixtures', 'explore', 'traced', name);
    const replayed = await replayTraced({
      python: MAIN_PYTHON,
      file,
      cwd: dirname(file),
      tracerDir,
      seed,
      timeoutS: 20,
    });
    assert.ok(replayed.model, replayed.error);
    const m = replayed.model;
    const traced = await run(await readFile(file, 'utf8'));
    const t = traced.model;
    assert.equal(t.exitCode, 0);
    // whether a get finds the queue empty is the schedule's (virtual time), the rest is the program's
    assert.deepEqual(kindsByLane(m, ['queue_get_wait']), kindsByLane(t, ['queue_get_wait']), name);
    for (const kind of ['sleep', 'slept', 'queue_put', 'queue_get', 'task_create', 'task_cancel', 'task_done', 'await'])
      assert.equal(count(m, kind), count(t, kind), `${name}: ${kind}`);
    assert.deepEqual(m.flows.map((f) => f.kind).sort(), t.flows.map((f) => f.kind).sort(), `${name}: the same arrows`);
    const lanesOf = (x: Model): string[] => x.lanes.map((l) => `${l.kind} ${l.name}`).sort();
    assert.deepEqual(lanesOf(m), lanesOf(t), `${name}: the same lanes`);
    if (name === 'queue_sleeps.py') {
      // each put's arrow goes from the producer to the consumer's get, which comes after it in the replay
      const puts = m.flows.filter((f) => f.kind === 'put');
      assert.equal(puts.length, 5);
      for (const f of puts) {
        assert.deepEqual([lane(m, f.fromLane), lane(m, f.toLane)], ['producer', 'consumer']);
        assert.ok(f.fromOrder < f.toOrder, 'the put before its get');
      }
      // the queue is called what the program calls it, as in the traced run
      const labels = m.markers.filter((x) => x.kind === 'queue_put').map((x) => x.label);
      assert.deepEqual(labels, [
        'put 0 into jobs',
        'put 1 into jobs',
        'put 2 into jobs',
        'put 3 into jobs',
        'put None into jobs',
      ]);
      assert.deepEqual(
        labels,
        t.markers.filter((x) => x.kind === 'queue_put').map((x) => x.label),
      );
    } else {
      assert.deepEqual(
        m.lanes
          .filter((l) => l.kind === 'task')
          .map((l) => l.name)
          .filter((n) => !/^Task-\d+$/.test(n)),
        ['fast', 'slow'],
      );
      const cancel = m.markers.find((x) => x.kind === 'task_cancel')!;
      assert.equal(lane(m, cancel.lane), 'Task-1', 'main cancels slow');
    }
  }
});
