// What the tracer benchmarks share: the workloads, the Pythons to run them on, and how a traced run is
// started (the launch contract of src/tracer/launch.py, as the engine starts it). bench-tracer.mjs times
// these runs; bench-tracer-instructions.mjs counts their instructions on two trees.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CALL_BUDGET = '2000';
export const EVENT_CAP = '200000';
export const ALL_WORKLOADS = [
  { id: 'a', file: 'bench_calls.py', label: '1M tiny calls' },
  { id: 'b', file: 'bench_threads.py', label: 'threads/lock/queue' },
  { id: 'c', file: 'bench_asyncio.py', label: 'asyncio 1,000 tasks' },
  { id: 'd', file: 'bench_processes.py', label: 'ProcessPoolExecutor' },
];

/** The ids listed in the environment variable `name` (comma-separated), or all of `ids`. */
export function chosen(name, ids) {
  const only = (process.env[name] ?? '')
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  return only.length > 0 ? ids.filter((id) => only.includes(id)) : ids;
}

/** Pythons 3.8+ under pyenv, oldest first; BENCH_PYTHONS=3.12,3.13 keeps those (major.minor or full). */
export function pythons(defaultOnly = []) {
  const r = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  const root = r.status === 0 ? r.stdout.trim() : (process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'));
  const out = [];
  if (existsSync(join(root, 'versions'))) {
    for (const name of readdirSync(join(root, 'versions'))) {
      const bin = join(root, 'versions', name, 'bin', 'python3');
      if (!existsSync(bin)) continue;
      const v = spawnSync(bin, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
        encoding: 'utf8',
      }).stdout.trim();
      const [maj, min] = v.split('.').map(Number);
      if (maj === 3 && min >= 8) out.push({ python: bin, version: v });
    }
  }
  const listed = (process.env.BENCH_PYTHONS ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const only = listed.length > 0 ? listed : defaultOnly;
  const kept =
    only.length > 0 ? out.filter(({ version }) => only.some((v) => version === v || version.startsWith(`${v}.`))) : out;
  if (kept.length === 0)
    kept.push({ python: 'python3', version: spawnSync('python3', ['-V'], { encoding: 'utf8' }).stdout.trim() });
  return kept.sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
}

/**
 * The arguments (after the interpreter) and environment of a run of `program`: untraced when `outDir` is
 * null, else traced by the tracer in `tracerDir` (its src/tracer) with events written to `outDir`.
 * Bytecode caching is on, as in a normal install (the tracer's .pyc files are written on first use).
 */
export function runOf(program, tracerDir, outDir) {
  const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONUTF8: '1' };
  delete env.PYTHONDONTWRITEBYTECODE;
  if (outDir === null) return { args: [program], env };
  Object.assign(env, {
    CONCURRENCY_LAB_OUT: outDir,
    CONCURRENCY_LAB_FILE: program,
    CONCURRENCY_LAB_CALL_BUDGET: CALL_BUDGET,
    CONCURRENCY_LAB_EVENT_CAP: EVENT_CAP,
    PYTHONPATH: join(tracerDir, 'inject'),
  });
  return { args: [join(tracerDir, 'launch.py'), program], env };
}
