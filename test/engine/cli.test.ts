// The command-line entry, run as a real process.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importChromeTrace } from '../../src/trace/chromeTrace';
import { MAIN_PYTHON, repoRoot, survivors, tracerDir, withTempDir } from './engineHelpers';

const cli = join(repoRoot, 'out', 'src', 'cli.js');

function runCli(
  args: string[],
  onStart?: (kill: (sig: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    onStart?.((sig) => child.kill(sig));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withProgram(text: string, fn: (file: string, dir: string) => Promise<void>): Promise<void> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'prog.py');
    await writeFile(file, text);
    await fn(file, dir);
  }, 'cl-cli-');
}

const PROGRAM = `import asyncio, sys, threading

def work():
    print("in thread")

async def main():
    await asyncio.gather(asyncio.sleep(0.01), asyncio.sleep(0.02))

t = threading.Thread(target=work, name="worker")
t.start()
t.join()
asyncio.run(main())
print("done")
sys.exit(4)
`;

void test('--summary prints one JSON object and the CLI exits with the program exit code', async () => {
  await withProgram(PROGRAM, async (file, dir) => {
    const chrome = join(dir, 'trace.json');
    const model = join(dir, 'model.json');
    const r = await runCli([
      'trace',
      file,
      '--summary',
      '--python',
      MAIN_PYTHON,
      '--tracer-dir',
      tracerDir,
      '--chrome',
      chrome,
      '--json',
      model,
    ]);
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const s = JSON.parse(lines[0]) as {
      exitCode: number;
      stdout: string;
      threads: { own: number };
      tasks: { own: number; internal: number };
      eventsByKind: Record<string, number>;
      error: unknown;
    };
    assert.equal(s.exitCode, 4);
    assert.equal(s.stdout, 'in thread\ndone\n');
    assert.equal(s.threads.own, 2);
    assert.ok(s.tasks.own + s.tasks.internal >= 3);
    assert.ok(s.eventsByKind.thread_begin >= 1);
    assert.equal(s.error, null);
    const back = importChromeTrace(await readFile(chrome, 'utf8'));
    assert.ok('model' in back);
    assert.deepEqual(back.model, JSON.parse(await readFile(model, 'utf8')));
  });
});

void test('--summary lists the run findings: a time.sleep() in a coroutine blocked the loop, on its line', async () => {
  const program =
    'import asyncio\nimport time\n\n\nasync def stall():\n    time.sleep(0.3)\n\n\nasync def main():\n    await asyncio.gather(stall(), asyncio.sleep(0.01))\n\n\nasyncio.run(main())\n';
  await withProgram(program, async (file) => {
    const r = await runCli(['trace', file, '--summary', '--python', MAIN_PYTHON, '--tracer-dir', tracerDir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      findings: { kind: string; severity: string; file: string; line: number; message: string }[];
    };
    assert.deepEqual(
      s.findings.map((f) => [f.kind, f.severity, f.file, f.line]),
      [['blocked-loop', 'warning', file, 6]],
    );
    assert.match(s.findings[0].message, /by time\.sleep\(0\.3\)/);
  });
});

void test('--summary lists an executor future whose exception nobody retrieved, on its submit line; not the one read', async () => {
  const program = [
    'from concurrent.futures import ThreadPoolExecutor',
    '',
    '',
    'def fail(what):',
    '    raise ValueError(what)',
    '',
    '',
    'with ThreadPoolExecutor() as pool:',
    '    pool.submit(fail, "lost")',
    '    seen = pool.submit(fail, "seen")',
    'print(type(seen.exception()).__name__)',
    '',
  ].join('\n');
  await withProgram(program, async (file) => {
    const r = await runCli(['trace', file, '--summary', '--python', MAIN_PYTHON, '--tracer-dir', tracerDir]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { stdout: string; findings: { kind: string; line: number; message: string }[] };
    assert.equal(s.stdout, 'ValueError\n');
    assert.deepEqual(
      s.findings.map((f) => [f.kind, f.line]),
      [['unretrieved-exception', 9]],
    );
    assert.match(
      s.findings[0].message,
      /^fail\(\) submitted here to ThreadPoolExecutor raised ValueError: lost and nobody/,
    );
  });
});

void test('without --summary the program output passes through; engine errors exit 2', async () => {
  await withProgram('print("plain")\n', async (file) => {
    const ok = await runCli(['trace', file, '--python', MAIN_PYTHON, '--tracer-dir', tracerDir]);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, 'plain\n');
    const missing = await runCli(['trace', file, '--python', '/nope/python3', '--tracer-dir', tracerDir]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Python was not found: tried "\/nope\/python3"/);
    const usage = await runCli(['trace']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: concurrency-lab trace FILE/);
  });
});

void test('--timeout stops the program and exits 2 naming what was still running', async () => {
  await withProgram(
    'import threading, time\nthreading.Thread(target=lambda: time.sleep(60), name="stuck").start()\n',
    async (file) => {
      const r = await runCli([
        'trace',
        file,
        '--timeout',
        '1.5',
        '--python',
        MAIN_PYTHON,
        '--tracer-dir',
        tracerDir,
        '--summary',
      ]);
      assert.equal(r.code, 2);
      const s = JSON.parse(r.stdout) as { error: { code: string; stillRunning: string[] } };
      assert.equal(s.error.code, 'timeout');
      assert.ok(
        s.error.stillRunning.some((x) => x.includes('"stuck"')),
        s.error.stillRunning.join('; '),
      );
    },
  );
});

void test('Ctrl-C stops the CLI and the program it runs', async () => {
  await withProgram(
    'import os, time\nprint(os.getpid(), flush=True)\nopen("started", "w").close()\ntime.sleep(60)\n',
    async (file, dir) => {
      const t0 = Date.now();
      // Ctrl-C once the program runs (waiting for that, not for a moment: a loaded machine starts slowly).
      const whenStarted = async (kill: (sig: NodeJS.Signals) => void): Promise<void> => {
        while (!existsSync(join(dir, 'started'))) await new Promise((r) => setTimeout(r, 50));
        kill('SIGINT');
      };
      const r = await runCli(
        ['trace', file, '--python', MAIN_PYTHON, '--tracer-dir', tracerDir, '--summary'],
        (kill) => void whenStarted(kill),
      );
      assert.ok(Date.now() - t0 < 8000);
      assert.equal(r.code, 2);
      const s = JSON.parse(r.stdout) as { stdout: string; error: { code: string } };
      assert.equal(s.error.code, 'cancelled');
      const pid = Number(s.stdout.trim());
      assert.ok(pid > 0);
      assert.deepEqual(await survivors([pid]), []);
    },
  );
});
