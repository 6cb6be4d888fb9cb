#!/usr/bin/env node
// The Python tier: runs test/python (stdlib unittest) on every Python 3.8+ it can find, at most two at
// a time. Pythons come from `pyenv root`/versions (or PYENV_ROOT, ~/.pyenv), else `python3` on PATH.
// Prints per-version results and ends with "python: N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const SUITE_TIMEOUT_MS = 900_000; // (the invisible catalogue runs ~56 programs twice, one through the CLI)
const PARALLEL = 2;

function pyenvRoot() {
  const r = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  if (process.env.PYENV_ROOT) return process.env.PYENV_ROOT;
  const home = join(homedir(), '.pyenv');
  return existsSync(home) ? home : null;
}

function versionOf(python) {
  const r = spawnSync(python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return r.status === 0 ? r.stdout.trim() : null;
}

function findPythons() {
  const found = [];
  const skipped = [];
  const root = pyenvRoot();
  const candidates = [];
  if (root && existsSync(join(root, 'versions'))) {
    for (const name of readdirSync(join(root, 'versions')).sort()) {
      const bin = ['python3', 'python'].map((b) => join(root, 'versions', name, 'bin', b)).find((p) => existsSync(p));
      if (bin) candidates.push(bin);
      else skipped.push(`${name}: no python executable in its bin/`);
    }
  }
  if (candidates.length === 0) candidates.push('python3');
  for (const python of candidates) {
    const version = versionOf(python);
    if (!version) {
      skipped.push(`${python}: does not run`);
      continue;
    }
    const [major, minor] = version.split('.').map(Number);
    if (major < 3 || (major === 3 && minor < 8))
      skipped.push(`${version}: too old (the tracer needs 3.8+; check.py's too_old test uses it)`);
    else found.push({ python, version });
  }
  return { found, skipped };
}

function parseCounts(text) {
  const ran = Number((text.match(/^Ran (\d+) tests?/m) ?? [])[1] ?? 0);
  const summary = text.match(/^(OK|FAILED)(?: \((.*)\))?\s*$/m);
  const fields = {};
  for (const part of (summary?.[2] ?? '').split(',')) {
    const [k, v] = part.trim().split('=');
    if (k && v) fields[k] = Number(v);
  }
  const failed = (fields.failures ?? 0) + (fields.errors ?? 0) + (fields.unexpected_successes ?? 0);
  const skipped = fields.skipped ?? 0;
  return {
    ran,
    failed,
    skipped,
    passed: Math.max(0, ran - failed - skipped - (fields.expected_failures ?? 0)),
    ok: summary?.[1] === 'OK',
    // unittest printed its result (OK or FAILED): the suite ran to its end, neither crashed nor hung
    finished: summary !== null,
  };
}

function runSuite({ python, version }) {
  return new Promise((done) => {
    const started = Date.now();
    let output = '';
    const child = spawn(
      python,
      ['-m', 'unittest', 'discover', '-s', 'test/python', '-t', 'test/python', '-p', 'test_*.py', '-v'],
      {
        cwd: ROOT,
        env: process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, SUITE_TIMEOUT_MS);
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const counts = parseCounts(output);
      if (code !== 0 && counts.failed === 0) counts.failed = 1; // crashed or timed out without a summary
      const ended = timedOut
        ? `was stopped at its ${SUITE_TIMEOUT_MS / 1000} s limit`
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${code}`;
      done({ version, python, code, signal, ended, output, secs: (Date.now() - started) / 1000, ...counts });
    });
  });
}

const { found, skipped } = findPythons();
for (const s of skipped) console.log(`skipped ${s}`);
if (found.length === 0) {
  console.log('no Python 3.8+ found (looked in pyenv versions and python3 on PATH)');
  console.log('python: 0 passed, 1 failed');
  process.exit(1);
}

const results = [];
const queue = [...found];
await Promise.all(
  Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
    while (queue.length > 0) {
      const r = await runSuite(queue.shift());
      results.push(r);
      const status = r.failed === 0 && r.ok ? 'ok' : 'FAILED';
      console.log(
        `\n--- Python ${r.version}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${r.secs.toFixed(1)}s) ${status}`,
      );
      if (status !== 'ok') {
        const failures = r.output.split('\n').filter((l) => /(\.\.\. (FAIL|ERROR)$)|^(FAIL|ERROR):/.test(l));
        console.log(failures.join('\n'));
        console.log(r.output.slice(-6000));
        // A suite that crashed or hung has no FAIL:/ERROR: block of its own: this line puts it in the CI summary.
        if (!r.finished) console.log(`ERROR: the suite ${r.ended} before unittest's summary`);
      }
    }
  }),
);

results.sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
console.log('\nversion   passed failed skipped  time');
for (const r of results)
  console.log(
    `${r.version.padEnd(9)} ${String(r.passed).padStart(6)} ${String(r.failed).padStart(6)} ${String(r.skipped).padStart(7)} ${r.secs.toFixed(1).padStart(6)}s`,
  );
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`python: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
