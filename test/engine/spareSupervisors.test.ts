// Warm spare supervisors (src/run/spareSupervisors.ts): a run takes the spare started for its inputs and
// the program cannot tell (same output, exit code, environment and folder as a fresh start); a run with
// another interpreter or folder never takes a stale spare; dispose and clear leave no spare behind.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supervisorSpec } from '../../src/run/runTraced';
import { SpareSupervisors } from '../../src/run/spareSupervisors';
import type { RunOptions } from '../../src/run/types';
import { MAIN_PYTHON, OLD_PYTHON, alive, run, survivors, tracerDir, withTempDir } from './engineHelpers';

const posix = process.platform !== 'win32';

/** Prints what the program can see of its start: parent, interpreter, folder and environment. */
const PROBE = `import json, os, sys
print(json.dumps({"ppid": os.getppid(), "exe": sys.executable, "cwd": os.getcwd(),
                  "lab": sorted(k for k in os.environ if k.startswith("CONCURRENCY_LAB")),
                  "marker": os.environ.get("SPARE_TEST_MARKER")}))
sys.exit(3)
`;

interface Seen {
  ppid: number;
  exe: string;
  cwd: string;
  lab: string[];
  marker: string | null;
}

async function runWith(spares: SpareSupervisors | undefined, extra: Partial<RunOptions>): Promise<Seen> {
  const r = await run(PROBE, { env: { SPARE_TEST_MARKER: 'x' }, ...extra, spares });
  assert.equal(r.model.exitCode, 3, r.stderr);
  return JSON.parse(r.stdout) as Seen;
}

/** Waits until the pool holds a spare (warm() starts one after a short delay). */
async function spareOf(spares: SpareSupervisors): Promise<number> {
  for (let i = 0; i < 200 && spares.pids.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(spares.pids.length, 1, 'a spare was started after the run');
  return spares.pids[0];
}

void test(
  'a run takes the spare of its inputs, and the program sees what a fresh start gives it',
  { skip: !posix },
  async () => {
    await withTempDir(async (dir) => {
      const spares = new SpareSupervisors();
      try {
        const fresh = await runWith(spares, { cwd: dir });
        const spare = await spareOf(spares);
        const warm = await runWith(spares, { cwd: dir });
        assert.equal(warm.ppid, spare, "the program's parent is the spare supervisor");
        assert.notEqual(fresh.ppid, spare);
        assert.deepEqual({ ...warm, ppid: 0 }, { ...fresh, ppid: 0 }, 'same interpreter, folder and environment');
        assert.equal(realpathSync(warm.cwd), realpathSync(dir));
        assert.deepEqual(warm.lab, [], 'no setting of ours is left in its environment');
        assert.equal(warm.marker, 'x');
      } finally {
        spares.dispose();
      }
    });
  },
);

void test(
  'a run with another interpreter or folder does not take a spare of other inputs',
  { skip: !posix },
  async () => {
    await withTempDir(async (dir) => {
      const spares = new SpareSupervisors();
      try {
        await runWith(spares, { cwd: dir });
        const spare = await spareOf(spares);
        if (OLD_PYTHON && OLD_PYTHON !== MAIN_PYTHON) {
          const other = await runWith(spares, { cwd: dir, python: OLD_PYTHON });
          assert.notEqual(other.ppid, spare, 'another interpreter started its own supervisor');
          assert.equal(realpathSync(other.exe), realpathSync(OLD_PYTHON));
        }
        const elsewhere = await runWith(spares, { cwd: tmpdir() });
        assert.notEqual(elsewhere.ppid, spare, 'another folder started its own supervisor');
        const otherEnv = await runWith(spares, { cwd: dir, env: { SPARE_TEST_MARKER: 'y' } });
        assert.notEqual(otherEnv.ppid, spare, 'another environment started its own supervisor');
        assert.equal(otherEnv.marker, 'y');
        assert.ok(alive(spare), 'the spare of the first inputs is still there');
      } finally {
        spares.dispose();
      }
    });
  },
);

void test('dispose ends every spare, and clear ends them too', { skip: !posix }, async () => {
  await withTempDir(async (dir) => {
    const spares = new SpareSupervisors();
    await runWith(spares, { cwd: dir });
    const first = await spareOf(spares);
    spares.clear();
    assert.deepEqual(await survivors([first]), [], 'clear ended the spare');
    await runWith(spares, { cwd: dir });
    const second = await spareOf(spares);
    spares.dispose();
    assert.deepEqual(await survivors([second]), [], 'dispose ended the spare');
    await runWith(spares, { cwd: dir });
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(spares.pids, [], 'no spare is started after dispose');
  });
});

void test('at most three spares are kept: a fourth ends the oldest', { skip: !posix }, async () => {
  await withTempDir(async (dir) => {
    const spares = new SpareSupervisors();
    try {
      const specs = ['a', 'b', 'c', 'd'].map((cwd) => {
        mkdirSync(join(dir, cwd));
        return supervisorSpec({ python: MAIN_PYTHON, cwd: join(dir, cwd), tracerDir });
      });
      const started: number[] = [];
      for (const spec of specs) {
        spares.warm(spec, 0); // (a spare's pid is known once it has started)
        for (let i = 0; i < 200 && !spares.pids.some((p) => !started.includes(p)); i++)
          await new Promise((r) => setTimeout(r, 10));
        started.push(spares.pids.find((p) => !started.includes(p)) ?? -1);
      }
      assert.equal(spares.pids.length, 3);
      assert.deepEqual(await survivors([started[0]]), [], 'the oldest spare ended');
      assert.deepEqual(spares.pids.sort(), started.slice(1).sort());
      assert.ok(started.slice(1).every(alive), 'the three newest are there');
    } finally {
      spares.dispose();
    }
  });
});
