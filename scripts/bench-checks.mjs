#!/usr/bin/env node
// Static checks benchmark: time from a changed 1,000-line Python text to its findings (parse + every
// rule), as the editor does after each debounced change: the previous tree is reused (incremental
// parse). Bundles src/checks with esbuild, builds the file from the demos and idiom fixtures, edits one
// line per run, and prints the median and p95, and the same for a full (non-incremental) parse.
// Not a test: timings on a shared machine are noisy.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const outfile = join(tmpdir(), `concurrency-lab-checks-bench-${process.pid}.cjs`);
await esbuild.build({
  entryPoints: [join(ROOT, 'src/checks/engine.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile,
  logLevel: 'warning',
});
const { checkPython, parsePython, reparsePython } = createRequire(import.meta.url)(outfile);

const sources = ['media/demos', 'test/fixtures/checks/idioms'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.py'))
    .map((f) => readFileSync(join(ROOT, d, f), 'utf8')),
);
const lines = [];
for (let i = 0; lines.length < 1000; i++) lines.push(...sources[i % sources.length].split('\n'));
lines.length = 1000;
const RUNS = Number(process.env.BENCH_RUNS) || 200;

const incremental = [];
const full = [];
let findings = 0;
let previous = { text: lines.join('\n'), tree: parsePython(lines.join('\n')) };
for (let i = 0; i < RUNS + 20; i++) {
  // One keystroke's change: a space typed at the end of a different line each time.
  const text = previous.text;
  const at = text.indexOf('\n', (i * 7919) % text.length);
  const edited = at < 0 ? `${text} ` : `${text.slice(0, at)} ${text.slice(at)}`;
  let t0 = performance.now();
  const tree = reparsePython(previous, edited);
  findings = checkPython(edited, tree).length;
  const inc = performance.now() - t0;
  t0 = performance.now();
  checkPython(edited, parsePython(edited));
  const whole = performance.now() - t0;
  if (i >= 20) {
    incremental.push(inc);
    full.push(whole);
  }
  previous = { text: edited, tree };
}
const stats = (times) => {
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, min ${at(0)} ms`;
};
console.log(
  `checks on a ${lines.length}-line file (${findings} findings), ${RUNS} edits after 20 warm-up (target ≤ 20 ms):`,
);
console.log(`  after a change (incremental parse + every rule): ${stats(incremental)}`);
console.log(`  from scratch (full parse + every rule):          ${stats(full)}`);
