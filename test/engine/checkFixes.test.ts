/**
 * Every quick fix, applied to a small program with the pitfall: the result checks clean and RUNS
 * on real Pythons (the oldest and newest installed, 3.9 for fixes that use asyncio.to_thread),
 * printing what the program is meant to print. Process programs run under the spawn start method,
 * where the unguarded original fails.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, checkPython, fixAll } from '../../src/checks/engine';
import { pythonFor, repoRoot, withTempDir } from './engineHelpers';

interface FixCase {
  name: string;
  code: string;
  program: string;
  stdout: string;
  /** Oldest Python the fixed program needs (asyncio.to_thread: 3.9). */
  minPython?: '3.9';
  /** Run under the spawn start method. */
  spawn?: boolean;
  /** Which of the finding's fixes (default the first). */
  fix?: number;
}

const SPAWN_PRELUDE = 'import multiprocessing as _mp\nif __name__ == "__main__":\n    _mp.set_start_method("spawn")\n';

const CASES: FixCase[] = [
  {
    name: 'time.sleep → await asyncio.sleep (adds the import)',
    code: 'CL101',
    program:
      'import time\nfrom asyncio import run\n\n\nasync def tick():\n    time.sleep(0.01)\n    print("tick")\n\n\nrun(tick())\n',
    stdout: 'tick\n',
  },
  {
    name: 'subprocess.run → await asyncio.to_thread',
    code: 'CL103',
    program:
      'import asyncio\nimport subprocess\nimport sys\n\n\nasync def main():\n    r = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)\n    print(r.stdout.strip())\n\n\nasyncio.run(main())\n',
    stdout: '42\n',
    minPython: '3.9',
  },
  {
    name: 'queue.Queue.get → await asyncio.to_thread',
    code: 'CL104',
    program:
      'import asyncio\nimport queue\n\nq = queue.Queue()\nq.put("item")\n\n\nasync def main():\n    print(q.get())\n\n\nasyncio.run(main())\n',
    stdout: 'item\n',
    minPython: '3.9',
  },
  {
    name: 'subprocess.run with keywords → await loop.run_in_executor(None, functools.partial(…)) (3.8 too)',
    code: 'CL103',
    program:
      'import asyncio\nimport subprocess\nimport sys\n\n\nasync def main():\n    r = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)\n    print(r.stdout.strip())\n\n\nasyncio.run(main())\n',
    stdout: '42\n',
    fix: 1,
  },
  {
    name: 'queue.Queue.get → await loop.run_in_executor(None, q.get) (3.8 too)',
    code: 'CL104',
    program:
      'import asyncio\nimport queue\n\nq = queue.Queue()\nq.put("item")\n\n\nasync def main():\n    print(q.get())\n\n\nasyncio.run(main())\n',
    stdout: 'item\n',
    fix: 1,
  },
  {
    name: 'helper that sleeps → await asyncio.to_thread(helper)',
    code: 'CL101',
    program:
      'import asyncio\nimport time\n\n\ndef slow(x):\n    time.sleep(0.01)\n    return x * 2\n\n\nasync def main():\n    print(slow(21))\n\n\nasyncio.run(main())\n',
    stdout: '42\n',
    minPython: '3.9',
  },
  {
    name: 'coroutine not awaited → await',
    code: 'CL110',
    program:
      'import asyncio\n\n\nasync def hello():\n    print("hello")\n\n\nasync def main():\n    hello()\n\n\nasyncio.run(main())\n',
    stdout: 'hello\n',
  },
  {
    name: 'coroutine called at module level → asyncio.run',
    code: 'CL110',
    program: 'async def main():\n    print("ran")\n\n\nmain()\n',
    stdout: 'ran\n',
  },
  {
    name: 'asyncio.sleep not awaited → await',
    code: 'CL111',
    program:
      'import asyncio\n\n\nasync def main():\n    asyncio.sleep(0.01)\n    print("slept")\n\n\nasyncio.run(main())\n',
    stdout: 'slept\n',
  },
  {
    name: 'create_task result dropped → kept in a set',
    code: 'CL112',
    program:
      'import asyncio\n\n\nasync def job():\n    print("job ran")\n\n\nasync def main():\n    asyncio.create_task(job())\n    await asyncio.sleep(0.01)\n\n\nasyncio.run(main())\n',
    stdout: 'job ran\n',
  },
  {
    name: 'with asyncio lock → async with',
    code: 'CL114',
    program:
      'import asyncio\n\n\nasync def main():\n    lock = asyncio.Lock()\n    with lock:\n        print("locked")\n\n\nasyncio.run(main())\n',
    stdout: 'locked\n',
  },
  {
    name: 'the seed: module-level get_event_loop → asyncio.run(main())',
    code: 'CL120',
    program: readFileSync(join(repoRoot, 'test', 'fixtures', 'programs', 'seed_asyncio.py'), 'utf8'),
    stdout: 'results: [None, None]\n',
  },
  {
    name: 'get_event_loop in a coroutine → get_running_loop',
    code: 'CL121',
    program:
      'import asyncio\n\n\nasync def main():\n    loop = asyncio.get_event_loop()\n    print(loop.is_running())\n\n\nasyncio.run(main())\n',
    stdout: 'True\n',
  },
  {
    name: 'Thread(target=f(x)) → target=f, args=(x,)',
    code: 'CL201',
    program:
      'import threading\n\n\ndef work(n):\n    print("work", n, threading.current_thread().name)\n\n\nt = threading.Thread(target=work(1), name="worker")\nt.start()\nt.join()\n',
    stdout: 'work 1 worker\n',
  },
  {
    name: 'Timer(t, function=f(x)) → function=f, args=(x,)',
    code: 'CL201',
    program:
      'import threading\n\n\ndef work(n):\n    print("work", n, threading.current_thread() is not threading.main_thread())\n\n\nt = threading.Timer(0.01, function=work(1))\nt.start()\nt.join()\n',
    stdout: 'work 1 True\n',
  },
  {
    name: 'acquire/release → with lock:',
    code: 'CL202',
    program:
      'import threading\n\nlock = threading.Lock()\n\n\ndef f():\n    lock.acquire()\n    print("held", lock.locked())\n    lock.release()\n\n\nf()\nprint("free", not lock.locked())\n',
    stdout: 'held True\nfree True\n',
  },
  {
    name: 'thread.run() → start()',
    code: 'CL206',
    program:
      'import threading\n\nt = threading.Thread(target=lambda: print(threading.current_thread().name), name="worker")\nt.run()\nt.join()\n',
    stdout: 'worker\n',
  },
  {
    name: 'the seed: unguarded processes → __main__ guard',
    code: 'CL301',
    program: readFileSync(join(repoRoot, 'test', 'fixtures', 'programs', 'seed_multiprocessing.py'), 'utf8'),
    stdout: 'exit codes: 0 0\n',
    spawn: true,
  },
  {
    name: 'unguarded pool between definitions → guards that keep the definitions at module level',
    code: 'CL301',
    program:
      'from multiprocessing import Pool\n\n\ndef square(x):\n    return x * x\n\n\nwith Pool(2) as pool:\n    print(pool.map(square, [1, 2, 3]))\n\n\ndef cube(x):\n    return x ** 3\n\n\nprint("done")\n',
    stdout: '[1, 4, 9]\ndone\n',
    spawn: true,
  },
  {
    name: 'Pool never closed → with Pool(...) as pool:',
    code: 'CL302',
    program:
      'from multiprocessing import Pool\n\n\ndef square(x):\n    return x * x\n\n\ndef main():\n    pool = Pool(2)\n    print(pool.map(square, [1, 2, 3]))\n\n\nif __name__ == "__main__":\n    main()\n',
    stdout: '[1, 4, 9]\n',
    spawn: true,
  },
];

const OLDEST = pythonFor('3.8');
const NEWEST = pythonFor('3.13') ?? pythonFor('3.12');

function pythonsFor(c: FixCase): string[] {
  const old = c.minPython ? pythonFor(c.minPython) : OLDEST;
  return [...new Set([old, NEWEST].filter((p): p is string => !!p))];
}

function runPython(python: string, file: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(python, ['-W', 'error::DeprecationWarning', file], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: join(file, '..'),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

void describe('quick fixes leave Python that checks clean and runs', () => {
  for (const c of CASES) {
    void test(c.name, async () => {
      const before = checkPython(c.program).find((f) => f.code === c.code && f.fixes.length > 0);
      assert.ok(before, `${c.code} with a fix expected in:\n${c.program}`);
      const fixed = applyEdits(c.program, before.fixes[c.fix ?? 0].edits);
      assert.deepEqual(
        checkPython(fixed).map((f) => `${f.code} ${f.message}`),
        [],
        `the fixed program still has findings:\n${fixed}`,
      );
      if (!c.fix) assert.equal(fixAll(c.program).text, fixed, 'check --fix applies the same fix');
      const prelude = c.spawn ? SPAWN_PRELUDE : '';
      await withTempDir((dir) => {
        for (const python of pythonsFor(c)) {
          const file = join(dir, 'prog.py');
          writeFileSync(file, prelude + fixed);
          const r = runPython(python, file);
          assert.equal(r.status, 0, `${python} on the fixed program:\n${prelude + fixed}\n${r.stderr}`);
          assert.equal(r.stdout, c.stdout, `${python} printed`);
        }
        return Promise.resolve();
      }, 'cl-fix-');
    });
  }

  void test('the unguarded seed program really fails under spawn (so the guard test can fail)', async () => {
    const c = CASES.find((x) => x.name.startsWith('the seed: unguarded'))!;
    await withTempDir((dir) => {
      const file = join(dir, 'prog.py');
      writeFileSync(file, SPAWN_PRELUDE + c.program);
      const r = runPython(NEWEST ?? 'python3', file);
      assert.notEqual(r.stdout, c.stdout, r.stderr);
      assert.match(r.stderr, /bootstrapping phase|freeze_support/);
      return Promise.resolve();
    }, 'cl-fix-');
  });
});

void describe('concurrency-lab check', () => {
  const cli = join(repoRoot, 'out', 'src', 'cli.js');
  const seed = join(repoRoot, 'test', 'fixtures', 'programs', 'seed_multiprocessing.py');
  const runCli = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  void test('--json: 1-based ranges, severity, message and fixes with edits', () => {
    const r = runCli(seed, '--json');
    assert.equal(r.status, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      findings.map((f) => [f.code, f.line, f.column, f.endLine, f.endColumn, f.severity]),
      [
        ['CL301', 12, 12, 12, 49, 'warning'],
        ['CL301', 13, 12, 13, 49, 'warning'],
      ],
    );
    const fix = (findings[0].fixes as Array<{ title: string; edits: Array<Record<string, unknown>> }>)[0];
    assert.match(fix.title, /__main__/);
    assert.deepEqual(Object.keys(fix.edits[0]).sort(), ['column', 'endColumn', 'endLine', 'line', 'newText']);
    assert.equal(fix.edits[0].line, 12);
  });

  void test('plain output and exit codes', () => {
    const r = runCli(seed);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /seed_multiprocessing\.py:12:12: warning CL301 /);
    const clean = runCli(join(repoRoot, 'media', 'demos', 'three_patterns.py'));
    assert.deepEqual([clean.status, clean.stdout], [0, '']);
    assert.equal(runCli('/nonexistent/x.py').status, 2);
    assert.match(runCli(seed, '--frobnicate').stderr, /unknown option --frobnicate/);
  });

  void test('--fix prints the file with every fix applied', () => {
    const r = runCli(seed, '--fix');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, fixAll(readFileSync(seed, 'utf8')).text);
    assert.match(r.stdout, /^if __name__ == "__main__":\n {4}process1 = /m);
  });
});
