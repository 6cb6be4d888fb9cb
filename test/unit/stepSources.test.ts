/**
 * Where a step links in the source: never at a line that did not run then. Ends the runtime reports
 * outside the program's frames (a task or gather done in the event loop, a thread's end) link to where
 * the thing was made, else nowhere; the end of a wait links to where the wait began.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel } from '../../src/trace/buildModel';
import type { TraceModel } from '../../src/shared/traceModel';
import { RawStream } from './rawStream';

const FILE = '/demo/seed_asyncio.py';

/** The step rows as "lane: text → line" (line -1: no link). */
function rows(m: TraceModel): string[] {
  return m.steps.map((s) => `${m.lanes[s.lane].name}: ${s.text} → ${s.source >= 0 ? s.line : -1}`);
}

void test("seed_asyncio (3.11): the tasks' and the gather's ends link to the creating line, not the import line", () => {
  // The seed's own stream on 3.11 (the ast mechanism): the loop runs inside `<module>`'s
  // run_until_complete (line 16), so `<module>` (line 1) is the lane's open frame when the tasks end.
  const s = new RawStream(4613).mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: '<module>', qualname: '<module>', file: FILE, line: 1 });
  s.ev(1, 0, 'call', [1, 1, 1]);
  s.ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'task1', internal: false, parent: 0, line: 16 });
  s.ev(1, 0, 'task_create', { obj: 2, name: 'Task-2', coro: 'task2', internal: false, parent: 0, line: 16 });
  s.ev(1, 1, 'code', { id: 2, name: 'task1', qualname: 'task1', file: FILE, line: 3 });
  s.ev(1, 1, 'call', [2, 2, 3]);
  s.ev(1, 1, 'return', [2, 3, 1]);
  s.ev(1, 2, 'code', { id: 3, name: 'task2', qualname: 'task2', file: FILE, line: 7 });
  s.ev(1, 2, 'call', [3, 4, 7]);
  s.ev(1, 2, 'return', [3, 5, 1]);
  s.ev(1, 0, 'future_done', { obj: 3, state: 'ok', what: 'gather', count: 2 });
  s.ev(1, 0, 'print', { stream: 'stdout', text: 'results: [None, None]', line: 25 });
  s.ev(1, 0, 'return', [1, 6]);
  s.ev(1, 0, 'proc_end', { exitcode: 0 });
  const r = rows(buildModel(s.events));
  assert.ok(r.includes('MainThread: task "Task-1" done → 16'), r.join('\n'));
  assert.ok(r.includes('MainThread: task "Task-2" done → 16'), r.join('\n'));
  // Nothing says where asyncio.gather was called: no link rather than line 1.
  assert.ok(r.includes('MainThread: gather(2 tasks) done → -1'), r.join('\n'));
  assert.ok(!r.some((x) => x.endsWith('→ 1') && !x.includes('call <module>')), r.join('\n'));
});

void test("a gather's end links to the line that called asyncio.gather, which the tracer now writes", () => {
  // As the tracer writes it since it notes gather's caller: the end, in the loop, carries that line.
  const s = new RawStream(4613).mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: '<module>', qualname: '<module>', file: FILE, line: 1 });
  s.ev(1, 0, 'call', [1, 1, 1]);
  s.ev(1, 0, 'task_create', { obj: 1, name: 'Task-1', coro: 'main', internal: false, parent: 0, line: 24 });
  s.ev(1, 1, 'code', { id: 2, name: 'main', qualname: 'main', file: FILE, line: 18 });
  s.ev(1, 1, 'call', [2, 2, 18]);
  // (its await, at the line of that await, the tracer writes too: the span's line is main's `async def`)
  s.ev(1, 1, 'await', { target: 3, what: 'gather', count: 2, line: 21 });
  s.ev(1, 0, 'future_done', { obj: 3, state: 'ok', what: 'gather', count: 2, line: 20 });
  s.ev(1, 1, 'awake', { target: 3 });
  s.ev(1, 1, 'return', [2, 3, 1]);
  s.ev(1, 0, 'return', [1, 6]);
  s.ev(1, 0, 'proc_end', { exitcode: 0 });
  const m = buildModel(s.events);
  const r = rows(m);
  assert.ok(r.includes('MainThread: gather(2 tasks) done → 20'), r.join('\n'));
  assert.ok(r.includes('Task-1: await gather(2 tasks) → 21'), r.join('\n'));
  const end = m.steps.find((x) => x.text === 'gather(2 tasks) done');
  assert.equal(end && m.sources[end.source]?.file, FILE, 'in the program file, as the other ends link');
});

void test("an executor future's end links to its submit, a thread's begin and end to its start", () => {
  const s = new RawStream(10).mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: '<module>', qualname: '<module>', file: FILE, line: 1 });
  s.ev(1, 0, 'call', [1, 1, 1]);
  s.ev(1, 0, 'thread_start', { obj: 5, name: 'worker', daemon: false, internal: false, line: 9 });
  s.ev(2, 0, 'thread_begin', { obj: 5, name: 'worker', daemon: false, internal: false, ident: 2, native_id: 2 });
  s.ev(1, 0, 'future_submit', { obj: 7, executor: 'ThreadPoolExecutor', fn: 'fetch', args: '1', line: 12 });
  s.ev(2, 0, 'thread_end', { obj: 5 });
  s.ev(1, 0, 'future_done', { obj: 7, state: 'ok' });
  s.ev(1, 0, 'future_done', { obj: 8, state: 'ok' });
  s.ev(1, 0, 'return', [1, 6]);
  const r = rows(buildModel(s.events));
  assert.ok(r.includes('worker: thread "worker" begins → 9'), r.join('\n'));
  assert.ok(r.includes('worker: thread "worker" ends → 9'), r.join('\n'));
  assert.ok(
    r.some((x) => /^MainThread: .*fetch.* → 12$/.test(x) && !x.includes('submit')),
    r.join('\n'),
  );
  // A future nothing says was made by the program: no link, not `<module>`'s first line.
  assert.ok(!r.some((x) => x.endsWith('→ 1') && !x.includes('call <module>')), r.join('\n'));
});

void test('the end of a wait links to where the wait began: the frame is still there', () => {
  const s = new RawStream(10).mainProcess();
  s.ev(1, 0, 'code', { id: 1, name: 'worker', qualname: 'worker', file: FILE, line: 3 });
  s.ev(1, 0, 'call', [1, 1, 20]);
  s.ev(1, 0, 'sleep', { secs: 0.001, line: 5 });
  s.ev(1, 0, 'slept', { secs: 0.001 }, 2_000_000);
  s.ev(1, 0, 'lock_wait', { obj: 2, prim: 'Lock', line: 6 });
  s.ev(1, 0, 'lock_acquired', { obj: 2, prim: 'Lock', ok: true, waited_ns: 5, contended: true });
  s.ev(1, 0, 'lock_release', { obj: 2, prim: 'Lock' });
  s.ev(1, 0, 'return', [1, 6]);
  const r = rows(buildModel(s.events));
  const line = (prefix: string): string | undefined => r.find((x) => x.startsWith(`MainThread: ${prefix}`));
  assert.match(line('sleep') ?? '', /→ 5$/, r.join('\n'));
  assert.match(line('woke') ?? line('slept') ?? r[4], /→ 5$/, r.join('\n'));
  assert.ok(r.filter((x) => x.endsWith('→ 6')).length >= 2, r.join('\n'));
  // An event of the frame with no line of its own and no wait still says which function it was in.
  assert.ok(
    r.some((x) => x.endsWith('→ 3') && x.includes('release')),
    r.join('\n'),
  );
});
