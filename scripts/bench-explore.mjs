#!/usr/bin/env node
// Schedules per second of the Interleaving Explorer on a small 2-thread program (not a timed test):
//   npm run bench:explore [-- N [PYTHON]]     default 1000 schedules, python3
// Prints the median of three interleaved rounds.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 1000);
const python = process.argv[3] ?? 'python3';
const program = join(ROOT, 'test', 'fixtures', 'explore', 'racy', 'lost_update_attr.py');
const rates = [];
for (let round = 0; round < 3; round++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    python,
    [join(ROOT, 'src', 'tracer', 'explore.py'), program, '--runs', String(runs), '--keep-going', '--search', 'pct'],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const done = r.stdout.split('\n').filter((l) => l.startsWith('{"type": "run"')).length;
  if (r.status !== 0 || done !== runs) {
    console.error(`explorer failed (exit ${r.status}, ${done} schedules):\n${r.stderr}`);
    process.exit(1);
  }
  rates.push(done / s);
  console.log(`round ${round + 1}: ${done} schedules in ${s.toFixed(1)} s = ${(done / s).toFixed(1)} schedules/s`);
}
rates.sort((a, b) => a - b);
console.log(
  `explore: median ${rates[1].toFixed(1)} schedules/s (${(runs / rates[1]).toFixed(1)} s for ${runs} schedules of a 2-thread program)`,
);
