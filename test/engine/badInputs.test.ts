// Issue 6 catalogue: hostile and broken programs and environments run through the engine. Each case
// states what must happen; every case also checks that no process of the run survives it. The
// "# case |" lines form the report table (case, expected, observed).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions, RunResult } from '../../src/run/types';
import { MAIN_PYTHON, pidsIn, pythonFor, run, survivors, withTempDir } from './engineHelpers';

interface Case {
  name: string;
  expected: string;
  text: string;
  opts?: Partial<RunOptions>;
  check(r: RunResult): void;
}

// Cases whose check needs the program to reach a state (a thread spinning, both locks taken) before the
// timeout: on a loaded 2-core machine, starting Python with the tracer and importing asyncio can take
// longer than 2 s, and a run stopped before the deadlock names the wrong lanes.
const REACH_STATE_MS = 5000;
const NOTE_PID = 'import os as _os\nopen(_os.environ["PIDS_FILE"], "a").write(str(_os.getpid()) + "\\n")\n';

const stuck = (r: RunResult, lanes: string[]): void => {
  assert.equal(r.model.error?.code, 'timeout', JSON.stringify(r.model.error));
  const running = r.model.error?.stillRunning ?? [];
  for (const l of lanes)
    assert.ok(
      running.some((x) => x.includes(l)),
      `${l} not in ${running.join('; ')}`,
    );
};

const cases: Case[] = [
  {
    name: 'syntax error',
    expected: 'syntax-error at the line',
    text: 'x = 1\nif x\n    print(x)\n',
    check: (r) => {
      assert.equal(r.model.error?.code, 'syntax-error');
      assert.equal(r.model.error?.line, 2);
    },
  },
  {
    name: 'selection from inside a function',
    expected: 'dedented and runs',
    text: '        for i in range(2):\n            print("row", i)\n',
    opts: {
      program: {
        text: '        for i in range(2):\n            print("row", i)\n',
        startLine: 20,
        isSelection: true,
        displayName: 'app.py',
        userFile: '/w/app.py',
      },
    },
    check: (r) => {
      assert.equal(r.model.error, null);
      assert.equal(r.stdout, 'row 0\nrow 1\n');
    },
  },
  {
    name: 'infinite loop in the main thread',
    expected: 'timeout naming MainThread',
    text: 'while True:\n    pass\n',
    opts: { timeoutMs: 2000 },
    check: (r) => stuck(r, ['thread "MainThread"']),
  },
  {
    name: 'infinite loop in a worker thread',
    expected: 'timeout naming the thread',
    text: 'import threading\ndef spin():\n    while True:\n        pass\nthreading.Thread(target=spin, name="spinner").start()\n',
    opts: { timeoutMs: REACH_STATE_MS },
    check: (r) => stuck(r, ['thread "spinner"']),
  },
  {
    name: 'infinite loop in a child process',
    expected: 'timeout naming the process',
    text: `import multiprocessing as mp\n${NOTE_PID}def spin():\n    ${NOTE_PID.replace(/\n(?=.)/g, '\n    ')}    while True:\n        pass\nif __name__ == "__main__":\n    mp.Process(target=spin, name="looper").start()\n`,
    opts: { timeoutMs: REACH_STATE_MS },
    check: (r) => stuck(r, ['process "looper"']),
  },
  {
    name: 'deadlock of two threads',
    expected: 'timeout naming both threads',
    text: [
      'import threading',
      'a, b, both = threading.Lock(), threading.Lock(), threading.Barrier(2)',
      'def one():',
      '    with a:',
      '        both.wait()',
      '        with b: pass',
      'def two():',
      '    with b:',
      '        both.wait()',
      '        with a: pass',
      'threading.Thread(target=one, name="one").start()',
      'threading.Thread(target=two, name="two").start()',
      '',
    ].join('\n'),
    opts: { timeoutMs: REACH_STATE_MS },
    check: (r) => stuck(r, ['thread "one"', 'thread "two"']),
  },
  {
    name: 'deadlock of two asyncio tasks',
    expected: 'timeout naming both tasks',
    text: [
      'import asyncio',
      'async def main():',
      '    a, b = asyncio.Lock(), asyncio.Lock()',
      '    async def one():',
      '        async with a:',
      '            await asyncio.sleep(0.05)',
      '            async with b: pass',
      '    async def two():',
      '        async with b:',
      '            await asyncio.sleep(0.05)',
      '            async with a: pass',
      '    await asyncio.gather(asyncio.create_task(one(), name="one"), asyncio.create_task(two(), name="two"))',
      'asyncio.run(main())',
      '',
    ].join('\n'),
    opts: { timeoutMs: REACH_STATE_MS },
    check: (r) => {
      // Task names are the tracer's business (its own tier checks them); here: both tasks and main are listed.
      stuck(r, ['thread "MainThread"']);
      assert.ok(
        (r.model.error?.stillRunning ?? []).filter((x) => x.startsWith('task ')).length >= 3,
        r.model.error?.stillRunning?.join('; '),
      );
    },
  },
  {
    name: 'a process that spawns processes in a loop',
    expected: 'timeout, every process killed',
    text: `import multiprocessing as mp, time\n${NOTE_PID}def child():\n    ${NOTE_PID.replace(/\n(?=.)/g, '\n    ')}    time.sleep(60)\nif __name__ == "__main__":\n    while True:\n        mp.Process(target=child).start()\n        time.sleep(0.05)\n`,
    opts: { timeoutMs: 2500 },
    check: (r) => assert.equal(r.model.error?.code, 'timeout'),
  },
  {
    name: 'ignores SIGTERM',
    expected: 'timeout, then SIGKILL',
    text: `import signal, time\n${NOTE_PID}signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.05)\n`,
    opts: { timeoutMs: 1500 },
    check: (r) => {
      assert.equal(r.model.error?.code, 'timeout');
      assert.equal(r.model.signal, 'SIGKILL');
    },
  },
  {
    name: 'starts a non-Python program in its own session',
    expected: 'timeout, that program killed too',
    text: 'import os, subprocess, time\np = subprocess.Popen(["sleep", "600"], start_new_session=True)\nopen(os.environ["PIDS_FILE"], "a").write(str(p.pid) + "\\n")\ntime.sleep(600)\n',
    opts: { timeoutMs: 1500 },
    check: (r) => {
      assert.equal(r.model.error?.code, 'timeout');
      assert.ok(r.model.lanes.some((l) => l.kind === 'process' && l.name === 'sleep'));
    },
  },
  {
    name: 'daemon thread still running at exit',
    expected: 'normal exit 0, no error',
    text: 'import threading, time\nthreading.Thread(target=lambda: time.sleep(60), daemon=True, name="bg").start()\nprint("main done")\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 0);
      assert.equal(r.model.error, null);
      assert.equal(r.stdout, 'main done\n');
    },
  },
  {
    name: 'os._exit in the middle',
    expected: 'exit code 5, events before it kept',
    text: 'import os\nprint("before", flush=True)\nos._exit(5)\nprint("never")\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 5);
      assert.equal(r.stdout, 'before\n');
      assert.ok(r.model.output.some((o) => o.text === 'before'));
    },
  },
  {
    name: 'segfault through ctypes',
    expected: 'crashed (SIGSEGV)',
    text: 'import ctypes\nctypes.string_at(0)\n',
    check: (r) => {
      assert.equal(r.model.error?.code, 'crashed');
      assert.equal(r.model.signal, 'SIGSEGV');
    },
  },
  {
    name: 'RecursionError',
    expected: 'uncaught-exception RecursionError, exit 1',
    text: 'def f(n):\n    return f(n + 1)\nf(0)\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 1);
      assert.equal(r.model.error?.code, 'uncaught-exception');
      assert.match(r.model.error?.message ?? '', /RecursionError/);
    },
  },
  {
    name: 'KeyboardInterrupt raised by the program',
    expected: 'uncaught-exception KeyboardInterrupt',
    text: 'print("hi")\nraise KeyboardInterrupt\n',
    check: (r) => {
      assert.equal(r.model.error?.code, 'uncaught-exception', JSON.stringify(r.model.error));
      assert.match(r.model.error?.message ?? '', /KeyboardInterrupt/);
      assert.equal(r.model.error?.line, 2);
    },
  },
  {
    name: 'sys.exit(3)',
    expected: 'exit code 3, no error',
    text: 'import sys\nsys.exit(3)\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 3);
      assert.equal(r.model.error, null);
    },
  },
  {
    name: 'unawaited coroutine',
    expected: 'runs, RuntimeWarning on stderr, exit 0',
    text: 'import asyncio\nasync def f():\n    pass\nf()\nprint("ok")\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 0);
      assert.equal(r.stdout, 'ok\n');
      assert.match(r.stderr, /RuntimeWarning: coroutine 'f' was never awaited/);
    },
  },
  {
    name: 'input() with no stdin',
    expected: 'uncaught-exception EOFError at the line',
    text: 'x = input("name? ")\n',
    check: (r) => {
      assert.equal(r.model.error?.code, 'uncaught-exception');
      assert.match(r.model.error?.message ?? '', /EOFError/);
      assert.equal(r.model.error?.line, 1);
    },
  },
  {
    name: '50 MB of output',
    expected: 'output-cap, output kept up to the cap',
    text: 'import sys\nline = "y" * 1023 + "\\n"\nfor _ in range(50 * 1024):\n    sys.stdout.write(line)\n',
    opts: { outputCapBytes: 2 * 1024 * 1024 },
    check: (r) => {
      assert.equal(r.model.error?.code, 'output-cap');
      assert.ok(r.stdout.length <= 2 * 1024 * 1024);
    },
  },
  {
    name: 'output without newlines',
    expected: 'all bytes arrive, tail recorded',
    text: 'import sys\nsys.stdout.write("z" * 100000)\n',
    check: (r) => {
      assert.equal(r.stdout.length, 100000);
      assert.equal(r.model.exitCode, 0);
    },
  },
  {
    name: 'invalid UTF-8 bytes',
    expected: 'decoded with replacement characters, no crash',
    text: 'import sys\nsys.stdout.buffer.write(b"ok \\xff\\xfe end\\n")\n',
    check: (r) => {
      assert.equal(r.model.exitCode, 0);
      assert.equal(r.stdout, 'ok \ufffd\ufffd end\n');
    },
  },
  {
    name: 'ANSI escapes',
    expected: 'kept verbatim as text',
    text: 'print("\\x1b[31mred\\x1b[0m")\n',
    check: (r) => {
      assert.equal(r.stdout, '\x1b[31mred\x1b[0m\n');
      assert.ok(r.model.output.some((o) => o.text === '\x1b[31mred\x1b[0m'));
    },
  },
  {
    name: '100,000 tasks',
    expected: 'completes; event cap reported if hit',
    text: 'import asyncio\nasync def t(i):\n    return i\nasync def main():\n    r = await asyncio.gather(*(t(i) for i in range(100000)))\n    print(sum(r))\nasyncio.run(main())\n',
    opts: { timeoutMs: 90_000, eventCap: 100_000 },
    check: (r) => {
      assert.equal(r.model.exitCode, 0, JSON.stringify(r.model.error));
      assert.equal(r.stdout, `${(99999 * 100000) / 2}\n`);
      assert.ok(r.model.error === null || r.model.error.code === 'event-cap');
      assert.ok(r.model.stats.events <= 100_100);
    },
  },
  {
    name: '2,000 threads',
    expected: 'completes with a lane per recorded thread',
    text: 'import threading\nts = [threading.Thread(target=lambda: None) for _ in range(2000)]\nfor t in ts: t.start()\nfor t in ts: t.join()\nprint("joined", len(ts))\n',
    opts: { timeoutMs: 90_000 },
    check: (r) => {
      assert.equal(r.stdout, 'joined 2000\n');
      assert.ok(
        r.model.stats.threads.own >= 2000 || r.model.error?.code === 'event-cap',
        JSON.stringify(r.model.stats.threads),
      );
    },
  },
  {
    name: 'closes sys.stdout',
    expected: 'uncaught ValueError from the next print',
    text: 'import sys\nprint("first")\nsys.stdout.close()\nprint("second")\n',
    check: (r) => {
      assert.equal(r.stdout, 'first\n');
      assert.equal(r.model.exitCode, 1);
      assert.match(r.stderr, /ValueError/);
    },
  },
  {
    name: 'replaces sys.stdout',
    expected: 'program behaves as untraced',
    text: 'import io, sys\nreal = sys.stdout\nsys.stdout = io.StringIO()\nprint("hidden")\ncaught = sys.stdout.getvalue()\nsys.stdout = real\nprint("caught", repr(caught))\n',
    check: (r) => assert.equal(r.stdout, "caught 'hidden\\n'\n"),
  },
  {
    name: 'sets its own trace and profile functions',
    expected: 'runs to the end, exit 0',
    text: 'import sys, threading\nsys.settrace(lambda *a: None)\nsys.setprofile(lambda *a: None)\nthreading.settrace(lambda *a: None)\ndef f():\n    return 1\nprint(f())\n',
    check: (r) => {
      assert.equal(r.stdout, '1\n');
      assert.equal(r.model.exitCode, 0);
    },
  },
  {
    name: 'calls multiprocessing.set_start_method itself',
    expected: 'spawn child runs and is traced',
    text: 'import multiprocessing as mp\ndef hello():\n    print("from child", flush=True)\nif __name__ == "__main__":\n    mp.set_start_method("spawn")\n    p = mp.Process(target=hello, name="kid")\n    p.start()\n    p.join()\n',
    check: (r) => {
      assert.equal(r.stdout, 'from child\n');
      assert.ok(
        r.model.lanes.some((l) => l.kind === 'process' && l.name === 'kid'),
        r.model.lanes.map((l) => l.name).join(','),
      );
    },
  },
  {
    name: 'HTML in names, output and exception text',
    expected: 'kept as literal text',
    text: 'import threading\nt = threading.Thread(target=lambda: print("<script>alert(1)</script>"), name="<img src=x onerror=alert(1)>")\nt.start(); t.join()\nraise ValueError("<b>boom</b>")\n',
    check: (r) => {
      assert.ok(r.model.lanes.some((l) => l.name === '<img src=x onerror=alert(1)>'));
      assert.ok(r.model.output.some((o) => o.text === '<script>alert(1)</script>'));
      assert.match(r.model.error?.message ?? '', /<b>boom<\/b>/);
    },
  },
  {
    name: 'no Python',
    expected: 'python-missing with the path tried',
    text: 'print(1)\n',
    opts: { python: '/usr/bin/definitely-not-python' },
    check: (r) => {
      assert.equal(r.model.error?.code, 'python-missing');
      assert.match(r.model.error?.message ?? '', /definitely-not-python/);
    },
  },
  {
    name: 'Python 2.7 selected',
    expected: 'python-too-old',
    text: 'print(1)\n',
    opts: { python: pythonFor('2.7') ?? '/missing/python2.7' },
    check: (r) => assert.equal(r.model.error?.code, pythonFor('2.7') ? 'python-too-old' : 'python-missing'),
  },
  {
    name: 'Python 3.7 selected',
    expected: 'python-too-old',
    text: 'print(1)\n',
    opts: { python: pythonFor('3.7') ?? '/missing/python3.7' },
    check: (r) => assert.equal(r.model.error?.code, pythonFor('3.7') ? 'python-too-old' : 'python-missing'),
  },
  {
    name: 'working folder missing',
    expected: 'spawn-failed naming the folder, not a missing Python',
    text: 'print(1)\n',
    opts: { cwd: '/no/such/folder' },
    check: (r) => {
      assert.equal(r.model.error?.code, 'spawn-failed');
      assert.match(r.model.error?.message ?? '', /\/no\/such\/folder/);
    },
  },
  {
    name: 'untitled unsaved document',
    expected: 'runs from its text',
    text: 'print("untitled")\n',
    opts: { program: { text: 'print("untitled")\n', startLine: 0, isSelection: false, displayName: 'Untitled-1' } },
    check: (r) => {
      assert.equal(r.stdout, 'untitled\n');
      assert.equal(r.model.title, 'Untitled-1');
    },
  },
  {
    name: 'empty program',
    expected: 'exit 0, nothing traced but the process',
    text: '',
    check: (r) => {
      assert.equal(r.model.exitCode, 0);
      assert.equal(r.model.error, null);
    },
  },
];

for (const c of cases) {
  void test(`${c.name}: ${c.expected}`, async () => {
    await withTempDir(async (dir) => {
      const pidsFile = join(dir, 'pids');
      const t0 = Date.now();
      const r = await run(c.text, { ...c.opts, env: { PIDS_FILE: pidsFile, ...c.opts?.env } });
      const ms = Date.now() - t0;
      const e = r.model.error;
      console.log(
        `# case | ${c.name} | ${c.expected} | ${e ? `${e.code}: ${e.message.slice(0, 90)}` : 'no error'}; exit ${r.model.exitCode ?? r.model.signal ?? '-'}; ${r.model.stats.events} events; ${ms} ms`,
      );
      c.check(r);
      assert.deepEqual(await survivors(await pidsIn(pidsFile)), [], 'processes of the run survived');
    }, 'cl-bad-');
  });
}

void test('a path with spaces and non-ASCII letters: runs there, title keeps the name', async () => {
  await withTempDir(async (dir) => {
    const folder = join(dir, 'my dir ü');
    await mkdir(folder);
    const r = await run('import os\nprint(os.path.basename(os.getcwd()))\n', {
      cwd: folder,
      program: {
        text: 'import os\nprint(os.path.basename(os.getcwd()))\n',
        userFile: join(folder, 'dé mo.py'),
        startLine: 0,
        isSelection: false,
        displayName: 'dé mo.py',
      },
    });
    console.log(
      `# case | path with spaces and non-ASCII | runs, title kept | ${r.model.error ? r.model.error.code : 'no error'}; title ${r.model.title}`,
    );
    assert.equal(r.stdout, 'my dir ü\n');
    assert.equal(r.model.title, 'dé mo.py');
  }, 'cl bad é-');
});

void test('two runs at once stay separate', async () => {
  const [a, b] = await Promise.all([
    run('import time\ntime.sleep(0.3)\nprint("A")\n'),
    run('import time\ntime.sleep(0.3)\nprint("B")\n'),
  ]);
  console.log(`# case | two runs at once | both complete, outputs separate | ${a.stdout.trim()} / ${b.stdout.trim()}`);
  assert.equal(a.stdout, 'A\n');
  assert.equal(b.stdout, 'B\n');
  assert.deepEqual(
    a.model.output.map((o) => o.text),
    ['A'],
  );
  assert.deepEqual(
    b.model.output.map((o) => o.text),
    ['B'],
  );
});

void test('temp dir not writable: a clear error, nothing run', async () => {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = '/proc/no-such-dir';
  try {
    const r = await run('print(1)\n');
    console.log(
      `# case | temp dir not writable | spawn-failed naming the temp folder | ${r.model.error?.code}: ${r.model.error?.message.slice(0, 80)}`,
    );
    assert.equal(r.model.error?.code, 'spawn-failed');
    assert.match(r.model.error?.message ?? '', /temporary folder/);
    assert.match(r.model.error?.hint ?? '', /TMPDIR/);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});

void test('the interpreter under test is a real Python', () => {
  assert.ok(MAIN_PYTHON.length > 0);
});
