#!/usr/bin/env node
// Unit tests of the pure modules and the run engine (compiled by `tsc -p tsconfig.test.json` into out/), on Node's
// built-in test runner. Ends with "unit: N passed, N failed".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// out/test/unit: pure modules. out/test/engine: the run engine against real Pythons.
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['out/test/unit', 'out/test/engine'];
let files = [];
for (const d of dirs) {
  try {
    files = files.concat(find(d));
  } catch {
    if (d === 'out/test/unit') {
      console.error('out/test/unit is missing: run `npx tsc -p tsconfig.test.json` first.');
      process.exit(1);
    }
  }
}
if (files.length === 0) {
  console.error('no unit test files found in out/test/unit');
  process.exit(1);
}
let tail = '';
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
child.stdout.on('data', (b) => {
  process.stdout.write(b);
  tail = (tail + b.toString()).slice(-200_000);
});
child.on('close', (code) => {
  const num = (re) => Number((tail.match(re) ?? [])[1] ?? 0);
  const pass = num(/ℹ pass (\d+)/);
  const fail = num(/ℹ fail (\d+)/);
  console.log(`unit: ${pass} passed, ${fail + (code !== 0 && fail === 0 ? 1 : 0)} failed`);
  process.exit(code ?? 1);
});
