// The process that started a run dies without stopping it (a window reload kills the extension host):
// the run's whole tree must go with it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAIN_PYTHON, survivors, tracerDir, withTempDir } from './engineHelpers';

const PROGRAM = `
import multiprocessing as mp, os, subprocess, sys, threading, time

def spin():
    while True:
        time.sleep(0.05)

if __name__ == "__main__":
    child = mp.Process(target=spin, name="child")
    child.start()
    # A grandchild that leaves the process group: only the run's marker finds it.
    loner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    threading.Thread(target=spin, daemon=True).start()
    with open(os.environ["PIDS_FILE"], "w") as f:
        f.write(" ".join(str(p) for p in (os.getpid(), child.pid, loner.pid)))
    spin()
`;

test('killing the runner with SIGKILL still ends the run, strays included', async () => {
  await withTempDir(async (dir) => {
    const pidsFile = join(dir, 'pids.txt');
    const runTracedJs = join(__dirname, '..', '..', 'src', 'run', 'runTraced.js');
    const driver = `
      const { runTraced } = require(${JSON.stringify(runTracedJs)});
      void runTraced({
        python: ${JSON.stringify(MAIN_PYTHON)},
        program: { text: ${JSON.stringify(PROGRAM)}, startLine: 0, isSelection: false, displayName: 'orphan.py' },
        cwd: ${JSON.stringify(dir)}, tracerDir: ${JSON.stringify(tracerDir)},
        timeoutMs: 60000, eventCap: 0, callBudget: 0, outputCapBytes: 1e6,
        env: { PIDS_FILE: ${JSON.stringify(pidsFile)} },
      });`;
    const runner = spawn(process.execPath, ['-e', driver], { stdio: 'ignore' });
    let pids: number[] = [];
    for (let i = 0; i < 200 && pids.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        pids = (await readFile(pidsFile, 'utf8'))
          .trim()
          .split(' ')
          .map(Number)
          .filter((n) => n > 0);
      } catch {
        // not written yet
      }
    }
    assert.equal(pids.length, 3, 'the program started its child and its loner grandchild');
    assert.deepEqual(await survivors(pids, 300), pids, 'all alive while the runner lives');
    runner.kill('SIGKILL');
    assert.deepEqual(await survivors(pids, 5000), [], 'nothing of the run outlives its runner');
    await writeFile(pidsFile, '');
  });
});
