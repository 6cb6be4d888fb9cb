#!/usr/bin/env node
// Runs every test tier in order and fails if any fails. Each tier is a command that prints its own
// results and ends with a line "<tier>: N passed, N failed"; this script adds them up.
//   node scripts/test-all.mjs              all tiers
//   node scripts/test-all.mjs unit python  only those
import { spawn } from 'node:child_process';
import { failedTestCollector, shownFailures } from './failureReasons.mjs';

const TIERS = {
  static: [
    ['npm', ['run', 'typecheck']],
    ['npm', ['run', 'lint']],
  ],
  build: [
    ['node', ['esbuild.mjs']],
    ['npx', ['tsc', '-p', 'tsconfig.test.json']],
  ],
  unit: [['node', ['scripts/test-unit.mjs']]],
  python: [['node', ['scripts/test-python.mjs']]],
  webview: [['node', ['scripts/test-webview.mjs']]],
  integration: [['node', ['scripts/test-integration.mjs']]],
};

const requested = process.argv.slice(2);
// Tiers that run tests need the build; keep the order fixed whatever was asked.
const wanted = requested.length === 0 ? Object.keys(TIERS) : ['build', ...requested.filter((t) => t !== 'build')];
for (const t of wanted) {
  if (!(t in TIERS)) {
    console.error(`Unknown tier "${t}". Tiers: ${Object.keys(TIERS).join(', ')}`);
    process.exit(2);
  }
}

function run(cmd, args) {
  return new Promise((resolve) => {
    let tail = '';
    let partial = '';
    const failed = failedTestCollector();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    child.stdout.on('data', (b) => {
      process.stdout.write(b);
      tail = (tail + b.toString()).slice(-4000);
      // Keep every line that names a failed test, and what it says went wrong, so the summary (the part of
      // a CI log people see) says which and why.
      const lines = (partial + b.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) failed.line(line);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), tail, failedTests: failed.failed }));
    child.on('error', (e) => {
      console.error(`could not start ${cmd}: ${e.message}`);
      resolve({ code: 1, tail: '', failedTests: [] });
    });
  });
}

let passed = 0;
let failed = 0;
const failures = [];
const failedTests = [];
const started = Date.now();
for (const tier of Object.keys(TIERS).filter((t) => wanted.includes(t))) {
  console.log(`\n=== ${tier} ===`);
  for (const [cmd, args] of TIERS[tier]) {
    const t0 = Date.now();
    const { code, tail, failedTests: failedHere } = await run(cmd, args);
    failedTests.push(...failedHere.map((f) => ({ ...f, test: `${tier}: ${f.test}` })));
    const counts = [...tail.matchAll(/^\S*:?\s*(\d+) passed, (\d+) failed/gm)].pop();
    if (counts) {
      passed += Number(counts[1]);
      failed += Number(counts[2]);
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (code !== 0) {
      failures.push(`${tier}: ${cmd} ${args.join(' ')} exited ${code}`);
      if (!counts || Number(counts[2]) === 0) failed += 1; // a crash without counts still fails the run
    }
    console.log(`--- ${tier}: ${cmd} ${args.join(' ')} → exit ${code} (${secs}s)`);
  }
}

console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)}s) ===`);
for (const t of shownFailures(failedTests).slice(0, 40)) console.log(t.length > 1200 ? `${t.slice(0, 1200)}…` : t);
for (const f of failures) console.log(`FAILED ${f}`);
if (passed === 0 && failed === 0) {
  console.log('no tests ran');
  process.exit(1);
}
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
