// Shared helpers of the engine tests: real Pythons from pyenv, the tracer from src/tracer.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraced } from '../../src/run/runTraced';
import type { RunOptions, RunResult } from '../../src/run/types';

export const repoRoot = join(__dirname, '..', '..', '..');
export const tracerDir = join(repoRoot, 'src', 'tracer');

let pyenvRoot: string | undefined;
function root(): string {
  pyenvRoot ??=
    process.env.PYENV_ROOT ??
    (() => {
      try {
        return execFileSync('pyenv', ['root'], { encoding: 'utf8' }).trim();
      } catch {
        return join(process.env.HOME ?? '/root', '.pyenv');
      }
    })();
  return pyenvRoot;
}

/** Path of pyenv's Python for a version prefix ("3.12"), or undefined when it is not installed. */
export function pythonFor(prefix: string): string | undefined {
  try {
    const dirs = execFileSync('ls', [join(root(), 'versions')], { encoding: 'utf8' }).split('\n');
    const dir = dirs.find((d) => d === prefix || d.startsWith(`${prefix}.`));
    if (!dir) return undefined;
    for (const exe of ['python3', 'python']) {
      const p = join(root(), 'versions', dir, 'bin', exe);
      if (existsSync(p)) return p;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The Python the engine tests run on: 3.12 (sys.monitoring) and 3.8 (setprofile) when present. */
export const MAIN_PYTHON = pythonFor('3.12') ?? pythonFor('3.13') ?? pythonFor('3.11') ?? 'python3';
export const OLD_PYTHON = pythonFor('3.8');

export function run(text: string, extra: Partial<RunOptions> = {}): Promise<RunResult> {
  return runTraced({
    python: MAIN_PYTHON,
    program: { text, userFile: '/work/user/app.py', startLine: 0, isSelection: false, displayName: 'app.py' },
    cwd: repoRoot,
    tracerDir,
    timeoutMs: 20_000,
    eventCap: 200_000,
    callBudget: 2000,
    outputCapBytes: 8 * 1024 * 1024,
    ...extra,
  });
}

/** True while /proc shows the pid as a live (non-zombie) process. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Waits up to `ms` for every pid to be gone; returns the survivors. */
export async function survivors(pids: number[], ms = 3000): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `fn` with a fresh temp folder that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>, prefix = 'cl-engine-'): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pids the test programs append, one a line, to the file named by PIDS_FILE. */
export async function pidsIn(file: string): Promise<number[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}
