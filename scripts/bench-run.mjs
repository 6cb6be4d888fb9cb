#!/usr/bin/env node
// `npm run bench:run`: the time from the Run command to the first painted Timeline frame, inside a real
// VS Code (code-server 4.100.3 with headless Chromium, the integration tier's harness), for a tiny
// program and two demos, beside the untraced run time of the same files (`python FILE`), interleaved
// round by round; prints medians as a table and writes .bench/run.json. A benchmark, never a test.
//   CONCURRENCY_LAB_BENCH_ROUNDS=<n>   rounds after the cold one (default 5)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './vscode/codeServer.mjs';
import { runSuite } from './vscode/runSuite.mjs';
import { ensureSystemPackages } from './vscode/system.mjs';

for (const [cmd, args] of [
  ['node', ['esbuild.mjs']],
  ['npx', ['tsc', '-p', 'tsconfig.test.json']],
]) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
}
ensureSystemPackages();

const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-bench-'));
const outFile = join(work, 'run.json');
const r = await runSuite({
  suite: 'bench',
  folder: join(REPO_ROOT, 'media', 'demos'), // the folder `npm start` opens
  extensionTestsPath: join(REPO_ROOT, 'out', 'test', 'bench', 'runLatency.js'),
  timeoutMs: 900_000,
  env: { CONCURRENCY_LAB_BENCH_OUT: outFile },
  log: (line) => /bench:|harness|✖/.test(line) && console.log(line),
});
let data;
try {
  data = JSON.parse(readFileSync(outFile, 'utf8'));
} catch {
  console.error(`The bench wrote no results: ${r.problems.join('; ') || 'see the log above'}`);
  process.exit(1);
} finally {
  rmSync(work, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const programs = [...new Set(data.samples.map((s) => s.program))];
const rounds = Math.max(...data.samples.map((s) => s.round));
// "program exit → final frame" is the target ("within 150 ms of the program's own exit"): from the
// program's last traced event to the finished trace's first painted frame, on one clock.
console.log(
  `\nRun → first painted Timeline frame, in code-server + headless Chromium, ${data.python}; median of ${rounds} interleaved rounds (cold first round apart)\n`,
);
console.log(
  '| program | untraced `python FILE` | Run → first frame | Run → final frame | first frame − untraced | Run → program start | program exit → final frame | cold: Run → first frame |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const p of programs) {
  const steady = data.samples.filter((s) => s.program === p && s.round > 0);
  const cold = data.samples.find((s) => s.program === p && s.round === 0);
  const u = median(steady.map((s) => s.untracedMs));
  const first = median(steady.map((s) => s.firstFrameMs));
  const final = median(steady.map((s) => s.finalFrameMs));
  // Paired per round, so load that hits both runs of a round cancels out.
  const over = median(steady.map((s) => s.firstFrameMs - s.untracedMs));
  const start = median(steady.map((s) => s.programStartMs));
  const afterExit = median(steady.map((s) => s.exitToFinalFrameMs));
  console.log(
    `| ${p} | ${ms(u)} | ${ms(first)} | ${ms(final)} | ${ms(over)} | ${ms(start)} | ${ms(afterExit)} | ${cold ? ms(cold.firstFrameMs) : '-'} |`,
  );
}
mkdirSync(join(REPO_ROOT, '.bench'), { recursive: true });
writeFileSync(join(REPO_ROOT, '.bench', 'run.json'), JSON.stringify(data, null, 2));
process.exit(r.problems.length > 0 ? 1 : 0);
