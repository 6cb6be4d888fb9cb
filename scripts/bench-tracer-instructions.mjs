#!/usr/bin/env node
// Tracer cost in instructions (not a test): on this 2-core shared machine wall time is too noisy to see
// a 2% change, so this counts the instructions of the traced runs bench-tracer.mjs times (same program,
// environment and working folder), with callgrind, children included (workload d's workers), for this
// tree and optionally a reference tree. Untraced runs are the same for both trees, so traced now / then
// is the tracer's cost change. Each count is the median of RUNS runs after one uncounted warm-up run
// (which writes the tracer's bytecode). Prints a markdown table.
//   node scripts/bench-tracer-instructions.mjs [--ref TREE]... [--runs N] [--keep DIR]
//   git worktree add --detach /tmp/ref c1c9116 && node scripts/bench-tracer-instructions.mjs --ref /tmp/ref
//   BENCH_PYTHONS=3.8,3.13 (default 3.8,3.11,3.13)  BENCH_WORKLOADS=a,e (a-d as bench-tracer.mjs, e: empty)
//   --keep DIR keeps every callgrind.out (DIR/<python>-<workload>-<tree>-<run>.<pid>) for callgrind_annotate.
//   PYTHONHASHSEED is 0 in every run (BENCH_HASHSEED=N or random to change it), so counts repeat: (e) to a
//   few instructions, (b)-(d) to ~0.1% (their flushes are bounded in wall time, which callgrind stretches).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_WORKLOADS, chosen, pythons, runOf } from './tracer-bench-run.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PROGRAMS = join(ROOT, 'test', 'fixtures', 'programs');
const { values: opts } = parseArgs({
  options: {
    ref: { type: 'string', multiple: true, default: [] },
    runs: { type: 'string', default: '1' },
    keep: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(opts.runs));
const scratch = mkdtempSync(join(tmpdir(), 'clab-instr-'));
const empty = join(scratch, 'empty.py');
writeFileSync(empty, '');
const workloads = [...ALL_WORKLOADS, { id: 'e', file: empty, label: 'empty program' }];
const WORKLOADS = workloads.filter((w) =>
  chosen(
    'BENCH_WORKLOADS',
    workloads.map((x) => x.id),
  ).includes(w.id),
);
// --ref may be given more than once (the reference and main, say): a column and a ratio for each.
const refs = opts.ref.map((dir, i) => ({ name: opts.ref.length > 1 ? `ref${i + 1}` : 'ref', dir: resolve(dir) }));
const trees = [
  ...refs.map((r) => ({ ...r, tracer: join(r.dir, 'src', 'tracer') })),
  { name: 'this', tracer: join(ROOT, 'src', 'tracer') },
];

/** Instructions of one run (all its processes), or of the uncounted warm-up when `count` is false. */
function run(python, program, tree, count, tag) {
  const outDir = tree ? mkdtempSync(join(scratch, 'events-')) : null;
  const { args, env } = runOf(program, tree?.tracer, outDir);
  // Each tree's own program cache (see program_cache.py), warmed by the warm-up run: two trees (or
  // another checkout's runs) sharing the user's would evict each other's entry for the program.
  if (tree) env.XDG_CACHE_HOME = join(scratch, `cache-${tree.name}`);
  // One string-hash seed for every run: dict lookups' probe lengths depend on it, and a random seed moved
  // (c) by up to ~2M instructions between runs of the same tree (3.8); BENCH_HASHSEED=random restores it.
  env.PYTHONHASHSEED = process.env.BENCH_HASHSEED ?? '0';
  const cgDir = mkdtempSync(join(scratch, 'cg-'));
  const argv = count
    ? ['--tool=callgrind', '--trace-children=yes', `--callgrind-out-file=${join(cgDir, 'cg.%p')}`, python, ...args]
    : [python, ...args];
  const r = spawnSync(argv[0] === python ? python : 'valgrind', argv[0] === python ? args : argv, {
    cwd: PROGRAMS,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 1_800_000,
  });
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${python} ${program} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  let total = 0;
  for (const f of readdirSync(cgDir)) {
    const m = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(cgDir, f), 'utf8'));
    total += m ? Number(m[1]) : 0;
    if (opts.keep) {
      mkdirSync(opts.keep, { recursive: true });
      writeFileSync(join(opts.keep, `${tag}.${f.slice(3)}`), readFileSync(join(cgDir, f)));
    }
  }
  rmSync(cgDir, { recursive: true, force: true });
  return total;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const M = (n) => (n / 1e6).toFixed(2);

const rows = [];
for (const { python, version } of pythons(['3.8', '3.11', '3.13'])) {
  for (const w of WORKLOADS) {
    const program = w.file === empty ? empty : join(PROGRAMS, w.file);
    run(python, program, null, false);
    const untraced = run(python, program, null, true, `${version}-${w.id}-untraced-0`);
    const counts = Object.fromEntries(trees.map((t) => [t.name, []]));
    for (const t of trees) run(python, program, t, false);
    for (let i = 0; i < RUNS; i++) {
      for (const t of trees) counts[t.name].push(run(python, program, t, true, `${version}-${w.id}-${t.name}-${i}`));
    }
    const row = { version, workload: w.id, label: w.label, untraced, counts };
    rows.push(row);
    const cells = trees.map((t) => `${t.name} ${counts[t.name].map(M).join('/')}M`).join(', ');
    process.stderr.write(`${version} (${w.id}) ${w.label}: untraced ${M(untraced)}M, ${cells}\n`);
  }
}

const refNote = refs.map((r) => `; ${r.name} = ${r.dir}`).join('');
console.log(
  `Traced-run instructions (callgrind, children included; median of ${RUNS} run(s) after a warm-up; load at start ${loadavg()[0].toFixed(1)})${refNote}\n`,
);
const refCols = refs.map((r) => ` traced, ${r.name} (M) |`).join('');
const ratioCols = refs.map((r) => ` this / ${r.name} |`).join('');
console.log(`| Python | workload | untraced (M) |${refCols} traced, this (M) |${ratioCols} traced / untraced |`);
console.log(`|---|---|---|${refs.map(() => '---|').join('')}---|${refs.map(() => '---|').join('')}---|`);
for (const r of rows) {
  const now = median(r.counts.this);
  const refCells = refs.map((ref) => ` ${M(median(r.counts[ref.name]))} |`).join('');
  const ratioCells = refs.map((ref) => ` ${(now / median(r.counts[ref.name])).toFixed(3)} |`).join('');
  console.log(
    `| ${r.version} | (${r.workload}) ${r.label} | ${M(r.untraced)} |${refCells} ${M(now)} |${ratioCells} ${(now / r.untraced).toFixed(2)}x |`,
  );
}
rmSync(scratch, { recursive: true, force: true });
