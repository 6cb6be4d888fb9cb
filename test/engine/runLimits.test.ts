// Timeouts, cancellation and the output cap: the program is stopped and no process of it survives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN_PYTHON, pidsIn, run, survivors, withTempDir } from './engineHelpers';

const TREE = `
import multiprocessing as mp, os, subprocess, sys, threading, time

PIDS = os.environ["PIDS_FILE"]

def note():
    with open(PIDS, "a") as f:
        f.write(f"{os.getpid()}\\n")

def spin():
    while True:
        time.sleep(0.02)

GRANDCHILD = "import os, sys, time; open(sys.argv[1], 'a').write(str(os.getpid()) + '\\\\n'); time.sleep(600)"

def child():
    note()
    subprocess.Popen([sys.executable, "-c", GRANDCHILD, PIDS], start_new_session=True)
    threading.Thread(target=spin, daemon=True).start()
    time.sleep(600)

if __name__ == "__main__":
    note()
    for _ in range(2):
        threading.Thread(target=spin, name="spinner").start()
    p = mp.Process(target=child, name="sleeper")
    p.start()
    subprocess.Popen([sys.executable, "-c", GRANDCHILD, PIDS], start_new_session=True)
    print("started", flush=True)
    p.join()
`;

void test('a timeout stops the whole tree: threads, a child process and setsid grandchildren', async () => {
  await withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids');
    const t0 = Date.now();
    const result = await run(TREE, { timeoutMs: 4000, env: { PIDS_FILE: pidsFile } });
    const elapsed = Date.now() - t0;
    const pids = await pidsIn(pidsFile);
    assert.equal(pids.length, 4, `expected main, child and two grandchildren, got ${pids.join(',')}`);
    assert.deepEqual(await survivors(pids), [], 'processes survived the timeout');
    const { model } = result;
    assert.equal(model.error?.code, 'timeout', JSON.stringify(model.error));
    assert.match(result.stdout, /started/);
    assert.ok(elapsed < 12_000, `took ${elapsed} ms`);
    const running = model.error?.stillRunning ?? [];
    assert.ok(
      running.some((r) => r.includes('"spinner"')),
      running.join('; '),
    );
    assert.ok(
      running.some((r) => r.includes('"sleeper"')),
      running.join('; '),
    );
  });
});

void test('an AbortSignal cancels the run and kills the tree', async () => {
  await withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids');
    const abort = new AbortController();
    let progressCalls = 0;
    const t0 = Date.now();
    const result = await run(TREE, {
      timeoutMs: 30_000,
      env: { PIDS_FILE: pidsFile },
      signal: abort.signal,
      onProgress: (p) => {
        progressCalls++;
        if (p.state === 'running' && Date.now() - t0 > 2000) abort.abort();
      },
    });
    assert.equal(result.model.error?.code, 'cancelled');
    assert.ok(Date.now() - t0 < 10_000);
    assert.ok(progressCalls >= 3);
    const pids = await pidsIn(pidsFile);
    assert.ok(pids.length >= 2);
    assert.deepEqual(await survivors(pids), []);
  });
});

void test('output past the cap stops the program and keeps only the cap', async () => {
  const cap = 64 * 1024;
  const result = await run('import sys\nwhile True:\n    sys.stdout.write("x" * 1000 + "\\n")\n', {
    outputCapBytes: cap,
    timeoutMs: 15_000,
  });
  assert.equal(result.model.error?.code, 'output-cap');
  assert.ok(result.stdout.length + result.stderr.length <= cap);
  assert.ok(result.stdout.length > cap / 2);
});

void test('orphans left by a program that exits normally are killed too', async () => {
  await withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids');
    const text = `import os, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import os, sys, time; open(sys.argv[1], 'a').write(str(os.getpid()) + '\\\\n'); time.sleep(600)", os.environ["PIDS_FILE"]], start_new_session=True)
while not os.path.exists(os.environ["PIDS_FILE"]):
    time.sleep(0.02)
time.sleep(0.3)
print("bye")
`;
    const result = await run(text, { env: { PIDS_FILE: pidsFile } });
    assert.equal(result.model.exitCode, 0);
    assert.equal(result.stdout, 'bye\n');
    const pids = await pidsIn(pidsFile);
    assert.equal(pids.length, 1);
    assert.deepEqual(await survivors(pids), []);
  });
});

void test("the time limit is the program's own: a slow interpreter start-up does not count against it", async () => {
  await withTempDir(async (dir) => {
    // An interpreter that takes 2.5 s to start stands for a cold or loaded machine.
    const slowPython = join(dir, 'slow-python');
    writeFileSync(slowPython, `#!/bin/sh\nsleep 2.5\nexec '${MAIN_PYTHON}' "$@"\n`, { mode: 0o755 });
    const result = await run('import time\ntime.sleep(0.5)\nprint("finished", flush=True)\n', {
      python: slowPython,
      timeoutMs: 2000,
    });
    assert.equal(result.model.error, null, JSON.stringify(result.model.error));
    assert.equal(result.model.exitCode, 0);
    assert.match(result.stdout, /finished/);
  });
});

void test('a Stop of a program stuck in a lock keeps every event it recorded before the wait', async () => {
  // The tracer has no SIGTERM handler: the burst below is written before the second acquire blocks.
  const text = [
    'import threading',
    'def tiny(i):',
    '    return i',
    'held = threading.Lock()',
    'held.acquire()',
    'for i in range(200):',
    '    tiny(i)',
    'print("ready", flush=True)',
    'held.acquire()',
    '',
  ].join('\n');
  const abort = new AbortController();
  let stopping = false;
  const { model, stdout } = await run(text, {
    timeoutMs: 30_000,
    signal: abort.signal,
    onProgress: (p, snapshot) => {
      // (a live snapshot reads the events written so far: "ready" shows once the wait wrote it)
      if (!stopping && p.state === 'running' && snapshot().output.some((o) => o.text === 'ready')) {
        stopping = true;
        setTimeout(() => abort.abort(), 1000); // (let it sit in the wait; the result does not depend on it)
      }
    },
  });
  assert.equal(model.error?.code, 'cancelled');
  assert.equal(stdout, 'ready\n');
  assert.equal(model.spans.filter((s) => s.name === 'tiny').length, 200, 'every call before the wait');
  assert.ok(
    model.markers.some((m) => m.kind === 'lock_wait'),
    'the wait itself',
  );
});
