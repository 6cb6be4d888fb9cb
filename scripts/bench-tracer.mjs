#!/usr/bin/env node
// Tracer overhead benchmark (not a test): wall time of traced / untraced runs, median of interleaved
// runs, for four workloads on every Python 3.8+ found. Prints a markdown table, writes .bench/tracer.json.
//   node scripts/bench-tracer.mjs [runs=15]
//   BENCH_PYTHONS=3.12,3.13 node scripts/bench-tracer.mjs 5   only those Pythons (major.minor or full version)
//   BENCH_WORKLOADS=c node scripts/bench-tracer.mjs 21        only those workloads (a, b, c, d)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ALL_WORKLOADS, CALL_BUDGET, EVENT_CAP, chosen, pythons, runOf } from './tracer-bench-run.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const TRACER = join(ROOT, 'src', 'tracer');
const PROGRAMS = join(ROOT, 'test', 'fixtures', 'programs');
const RUNS = Math.max(5, Number(process.argv[2] ?? 15));
const WORKLOADS = ALL_WORKLOADS.filter((w) =>
  chosen(
    'BENCH_WORKLOADS',
    ALL_WORKLOADS.map((x) => x.id),
  ).includes(w.id),
);

function timeRun(python, file, traced) {
  const program = join(PROGRAMS, file);
  const outDir = traced ? mkdtempSync(join(tmpdir(), 'clab-bench-')) : null;
  const { args, env } = runOf(program, TRACER, outDir);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(python, args, { cwd: PROGRAMS, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  if (r.status !== 0)
    throw new Error(`${python} ${file} ${traced ? 'traced' : 'untraced'} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = [];
for (const { python, version } of pythons()) {
  const row = { version, python, workloads: {} };
  for (const w of WORKLOADS) {
    const plain = [];
    const traced = [];
    timeRun(python, w.file, false); // warm the file cache and .pyc files
    timeRun(python, w.file, true);
    for (let i = 0; i < RUNS; i++) {
      plain.push(timeRun(python, w.file, false));
      traced.push(timeRun(python, w.file, true));
    }
    const ratio = median(traced) / median(plain);
    // Best-of ratio too: on a shared machine the minimum is the run least disturbed by others.
    const bestRatio = Math.min(...traced) / Math.min(...plain);
    // And the median of each traced run over the untraced run just before it: the machine's speed
    // drifts by tens of percent here, and a pair run back to back shares most of that drift.
    const pairedRatio = median(traced.map((t, i) => t / plain[i]));
    row.workloads[w.id] = {
      label: w.label,
      untracedMs: median(plain),
      tracedMs: median(traced),
      ratio,
      bestRatio,
      pairedRatio,
      runs: RUNS,
    };
    process.stderr.write(
      `${version} (${w.id}) ${w.label}: ${ratio.toFixed(2)}x (paired ${pairedRatio.toFixed(2)}x, best ${bestRatio.toFixed(2)}x)\n`,
    );
  }
  results.push(row);
}

const header = `| Python | ${WORKLOADS.map((w) => `(${w.id}) ${w.label}`).join(' | ')} |`;
const rule = `|---|${WORKLOADS.map(() => '---').join('|')}|`;
const lines = results.map(
  (r) =>
    `| ${r.version} | ${WORKLOADS.map((w) => {
      const x = r.workloads[w.id];
      return `${x.ratio.toFixed(2)}x (paired ${x.pairedRatio.toFixed(2)}x, best ${x.bestRatio.toFixed(2)}x; ${x.untracedMs.toFixed(0)} → ${x.tracedMs.toFixed(0)} ms)`;
    }).join(' | ')} |`,
);
console.log(
  `Tracer overhead: traced/untraced wall time, median of ${RUNS} interleaved runs; in brackets the median of each traced run over the untraced run before it, the best-of ratio, and the medians in ms (call budget ${CALL_BUDGET}, event cap ${EVENT_CAP}; load average at start ${loadavg()[0].toFixed(1)})\n`,
);
console.log([header, rule, ...lines].join('\n'));
mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(
  join(ROOT, '.bench', 'tracer.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      runs: RUNS,
      callBudget: Number(CALL_BUDGET),
      eventCap: Number(EVENT_CAP),
      results,
    },
    null,
    2,
  ),
);
