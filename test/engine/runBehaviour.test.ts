// The program behaves as it does untraced; stdin, exit codes, errors and temp files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAIN_PYTHON, OLD_PYTHON, repoRoot, run, withTempDir } from './engineHelpers';

const DEMO = `import asyncio, queue, sys, threading

lock = threading.Lock()
q = queue.Queue()

def worker(n):
    with lock:
        print("worker", n)
    q.put(n)

async def sub(i):
    await asyncio.sleep(0.01)
    return i * 10

async def main():
    results = await asyncio.gather(sub(1), sub(2))
    print("gathered", results)

if __name__ == "__main__":
    threads = [threading.Thread(target=worker, args=(i,), name=f"W{i}") for i in range(3)]
    for t in threads:
        t.start()
        t.join()
    print(sorted(q.get() for _ in range(3)))
    asyncio.run(main())
    print("errors go here", file=sys.stderr)
    sys.exit(3)
`;

function untraced(python: string, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python, [file], { cwd: repoRoot }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

for (const python of [MAIN_PYTHON, OLD_PYTHON].filter((p): p is string => p !== undefined)) {
  void test(`stdout, stderr and exit code equal the untraced run (${python.split('/').slice(-3, -2)[0] ?? python})`, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'demo.py');
      await writeFile(file, DEMO);
      const plain = await untraced(python, file);
      const traced = await run(DEMO, { python });
      assert.equal(plain.code, 3);
      assert.equal(traced.model.exitCode, 3);
      assert.equal(traced.stdout, plain.stdout);
      assert.equal(traced.stderr, plain.stderr);
      assert.equal(traced.model.error, null, JSON.stringify(traced.model.error));
      const m = traced.model;
      const names = m.lanes.map((l) => l.name);
      for (const n of ['W0', 'W1', 'W2']) assert.ok(names.includes(n), `lane ${n} in ${names.join(',')}`);
      assert.ok(m.stats.tasks.own >= 3, `tasks ${JSON.stringify(m.stats.tasks)}`);
      assert.deepEqual(
        m.output.map((o) => o.text),
        [...plain.stdout.trimEnd().split('\n'), 'errors go here'],
      );
      const w1 = m.lanes.find((l) => l.name === 'W1');
      assert.equal(m.output.find((o) => o.text === 'worker 1')?.lane, w1?.id, 'print attributed to its thread');
      assert.ok(m.flows.some((f) => f.kind === 'start' && m.lanes[f.toLane].name === 'W0'));
      assert.ok(m.flows.some((f) => f.kind === 'put'));
    });
  });
}

void test('stdin text reaches input()', async () => {
  const { stdout, model } = await run('name = input()\nprint("hello", name)\n', { stdin: 'Ada\n' });
  assert.equal(stdout, 'hello Ada\n');
  assert.equal(model.exitCode, 0);
});

void test('without stdin, input() fails with EOFError and the error says where', async () => {
  const { model } = await run('print("before")\nx = input()\n');
  assert.equal(model.exitCode, 1);
  assert.equal(model.error?.code, 'uncaught-exception', JSON.stringify(model.error));
  assert.match(model.error?.message ?? '', /EOFError/);
  assert.equal(model.error?.line, 2);
  assert.equal(model.error?.file, '/work/user/app.py');
});

void test('a segfault is reported as a crash and the trace up to it is kept', async () => {
  const { model, stdout } = await run('import ctypes\nprint("about to crash", flush=True)\nctypes.string_at(0)\n');
  assert.equal(model.error?.code, 'crashed', JSON.stringify(model.error));
  assert.equal(model.signal, 'SIGSEGV');
  assert.equal(stdout, 'about to crash\n');
});

void test('the temp directory is private while running and removed afterwards', async () => {
  let file: string | undefined;
  let mode = -1;
  const text = 'import os, time\nprint(oct(os.stat(os.path.dirname(__file__)).st_mode & 0o777))\ntime.sleep(0.6)\n';
  const { stdout } = await run(text, {
    onProgress: (_p, snapshot) => {
      const m = snapshot();
      if (m.sources.length > 0) file = m.sources[0].file;
    },
  });
  mode = Number.parseInt(stdout.trim().replace('0o', ''), 8);
  assert.equal(mode, 0o700);
  assert.ok(file, 'a live snapshot named the program file');
  assert.ok(!existsSync(file), `${file} still exists`);
});

void test('live snapshots show what ran so far while the program is still running', async () => {
  let live: { outputs: string[]; state: string } | undefined;
  const text = 'import time\nprint("early", flush=True)\ntime.sleep(1.5)\nprint("late")\n';
  const { model } = await run(text, {
    onProgress: (p, snapshot) => {
      if (p.state !== 'running' || live) return;
      const m = snapshot();
      if (m.output.length > 0) live = { outputs: m.output.map((o) => o.text), state: p.state };
    },
  });
  assert.deepEqual(live?.outputs, ['early'], 'a snapshot taken mid-run had the first line only');
  assert.deepEqual(
    model.output.map((o) => o.text),
    ['early', 'late'],
  );
});

void test('the call budget suppresses calls past it and counts them', async () => {
  const text = 'def tiny(i):\n    return i\nfor i in range(5000):\n    tiny(i)\nprint("done")\n';
  const { model, stdout } = await run(text, { callBudget: 100 });
  assert.equal(stdout, 'done\n');
  const spans = model.spans.filter((s) => s.name === 'tiny').length;
  assert.ok(spans >= 100 && spans <= 101, `${spans} spans`);
  // sys.monitoring stops calling us for a disabled function, so 3.12+ cannot count what it skipped (-1).
  assert.ok(model.stats.suppressedCalls >= 0);
  assert.equal(
    model.markers.find((m) => m.kind === 'limit')?.label,
    'call budget of 100 reached for tiny(): later calls are not recorded',
  );
});

void test('a file run prints the user path, not the temp copy, in tracebacks and __file__', async () => {
  const { stdout, stderr } = await run('print(__file__)\nraise ValueError("x")\n');
  assert.equal(stdout, '/work/user/app.py\n');
  assert.match(stderr, /File "\/work\/user\/app\.py", line 2, in <module>/);
});

void test('a finished run leaves no timer behind (the CLI exits as soon as the program has)', async () => {
  // A pending timer keeps Node alive: the CLI used to stay up the whole output-drain limit (2 s) after every run.
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const { stdout } = await run('print("ok")\n');
  assert.equal(stdout, 'ok\n');
  assert.equal(timers(), before);
});
