#!/usr/bin/env node
// Tracer overhead benchmark (not a test): wall time of traced / untraced runs, median of interleaved
// runs, for four workloads on every Python 3.8+ found. Prints a markdown table, writes .bench/tracer.json.
//   node scripts/bench-tracer.mjs [runs=15]
//   BENCH_PYTHONS=3.12,3.13 node scripts/bench-tracer.mjs 5   only those Pythons (major.minor or full version)
//   BENCH_WORKLOADS=c node scripts/bench-tracer.mjs 21        only those workloads (a, b, c, d)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TRACER = join(ROOT, 'src', 'tracer');
const PROGRAMS = join(ROOT, 'test', 'fixtures', 'programs');
const RUNS = Math.max(5, Number(process.argv[2] ?? 15));
const CALL_BUDGET = '2000';
const EVENT_CAP = '200000';
const ALL_WORKLOADS = [
  { id: 'a', file: 'bench_calls.py', label: '1M tiny calls' },
  { id: 'b', file: 'bench_threads.py', label: 'threads/lock/queue' },
  { id: 'c', file: 'bench_asyncio.py', label: 'asyncio 1,000 tasks' },
  { id: 'd', file: 'bench_processes.py', label: 'ProcessPoolExecutor' },
];
const onlyWorkloads = (process.env.BENCH_WORKLOADS ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const WORKLOADS = onlyWorkloads.length > 0 ? ALL_WORKLOADS.filter((w) => onlyWorkloads.includes(w.id)) : ALL_WORKLOADS;

function pythons() {
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
  const only = (process.env.BENCH_PYTHONS ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (only.length > 0) {
    const keep = out.filter(({ version }) => only.some((v) => version === v || version.startsWith(`${v}.`)));
    out.splice(0, out.length, ...keep);
  }
  if (out.length === 0)
    out.push({ python: 'python3', version: spawnSync('python3', ['-V'], { encoding: 'utf8' }).stdout.trim() });
  return out.sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
}

function timeRun(python, file, traced) {
  const program = join(PROGRAMS, file);
  // Bytecode caching on (as in a normal install, where the tracer's .pyc files are written on first use).
  const env = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONUTF8: '1' };
  delete env.PYTHONDONTWRITEBYTECODE;
  let outDir = null;
  let args = [program];
  if (traced) {
    outDir = mkdtempSync(join(tmpdir(), 'clab-bench-'));
    Object.assign(env, {
      CONCURRENCY_LAB_OUT: outDir,
      CONCURRENCY_LAB_FILE: program,
      CONCURRENCY_LAB_CALL_BUDGET: CALL_BUDGET,
      CONCURRENCY_LAB_EVENT_CAP: EVENT_CAP,
      PYTHONPATH: join(TRACER, 'inject'),
    });
    args = [join(TRACER, 'launch.py'), program];
  }
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
