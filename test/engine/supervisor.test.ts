// Linux: nothing of a run outlives it, however a helper left (a new session, a clean environment, a
// shell's background job, a double fork): the supervisor adopts every orphan of the run and ends them all
// when the program ends, is stopped, or the runner dies (then it also removes the run's temp folder).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAIN_PYTHON, pidsIn, run, survivors, tracerDir, withTempDir } from './engineHelpers';

const linux = process.platform === 'linux';

/** Starts four helpers that leave the run's session and environment behind, and records their pids. */
const ESCAPERS = `import os, subprocess, sys, time
pids = open(os.environ["PIDS_FILE"], "a")
def note(pid):
    pids.write("%d\\n" % pid)
    pids.flush()
note(os.posix_spawn("/bin/sleep", ["sleep", "60"], {}, setsid=True))
note(subprocess.Popen(["sleep", "60"], start_new_session=True, env={}).pid)
subprocess.run(["sh", "-c", "setsid sleep 60 & echo $! >> \\"$PIDS_FILE\\""], check=True)
if os.fork() == 0:  # a daemon's double fork
    os.setsid()
    if os.fork() == 0:
        note(os.getpid())
        time.sleep(60)
    os._exit(0)
time.sleep(0.2)
print("helpers started", flush=True)
open(os.environ["RUN_DIR_FILE"], "w").write(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
`;

async function waitForPids(file: string, n: number): Promise<number[]> {
  for (let i = 0; i < 400; i++) {
    const pids = await pidsIn(file);
    if (pids.length >= n) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pidsIn(file);
}

for (const [name, tail, extra] of [
  ['the program exits normally', '', {}],
  ['the time limit stops the program', 'time.sleep(60)\n', { timeoutMs: 2500 }],
] as const) {
  void test(
    `helpers that left the session or dropped the environment end when ${name}`,
    { skip: !linux && 'Linux only (a child subreaper)' },
    async () => {
      await withTempDir(async (dir) => {
        const pidsFile = join(dir, 'pids');
        const env = { PIDS_FILE: pidsFile, RUN_DIR_FILE: join(dir, 'rundir') };
        const { stdout } = await run(ESCAPERS + tail, { env, ...extra });
        assert.equal(stdout, 'helpers started\n');
        const pids = await pidsIn(pidsFile);
        assert.equal(pids.length, 4, `4 helpers: ${pids.join(' ')}`);
        assert.deepEqual(await survivors(pids, 3000), [], 'no helper outlives the run');
      });
    },
  );
}

void test(
  "killing the runner with SIGKILL ends every helper and removes the run's temp folder",
  { skip: !linux && 'Linux only (a child subreaper)' },
  async () => {
    await withTempDir(async (dir) => {
      const pidsFile = join(dir, 'pids');
      const runDirFile = join(dir, 'rundir');
      const runTracedJs = join(__dirname, '..', '..', 'src', 'run', 'runTraced.js');
      const driver = `
      const { runTraced } = require(${JSON.stringify(runTracedJs)});
      void runTraced({
        python: ${JSON.stringify(MAIN_PYTHON)},
        program: { text: ${JSON.stringify(`${ESCAPERS}time.sleep(60)\n`)}, startLine: 0, isSelection: false, displayName: 'escapers.py' },
        cwd: ${JSON.stringify(dir)}, tracerDir: ${JSON.stringify(tracerDir)},
        timeoutMs: 60000, eventCap: 0, callBudget: 0, outputCapBytes: 1e6,
        env: { PIDS_FILE: ${JSON.stringify(pidsFile)}, RUN_DIR_FILE: ${JSON.stringify(runDirFile)} },
      });`;
      const runner = spawn(process.execPath, ['-e', driver], { stdio: 'ignore' });
      const pids = await waitForPids(pidsFile, 4);
      for (let i = 0; i < 200 && !existsSync(runDirFile); i++) await new Promise((r) => setTimeout(r, 50));
      const runDir = await readFile(runDirFile, 'utf8');
      assert.equal(pids.length, 4);
      assert.ok(existsSync(runDir), 'the run folder exists while the run does');
      assert.deepEqual(await survivors(pids, 200), pids, 'all alive while the runner lives');
      runner.kill('SIGKILL');
      assert.deepEqual(await survivors(pids, 5000), [], 'nothing of the run outlives its runner');
      for (let i = 0; i < 100 && existsSync(runDir); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!existsSync(runDir), `${runDir} was removed`);
    });
  },
);
