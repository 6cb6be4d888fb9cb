#!/usr/bin/env node
// Timeline benchmark: our webview vs speedscope on the same synthetic traces (100k and 1M events),
// in headless Debian Chromium. Builds first (esbuild + tsc for the test helpers), then prints a
// markdown table and writes .bench/timeline.json.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

for (const [cmd, args] of [
  ['node', ['esbuild.mjs']],
  ['npx', ['tsc', '-p', 'tsconfig.test.json']],
]) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed`);
    process.exit(1);
  }
}
const require = createRequire(import.meta.url);
const { main } = require(new URL('../out/test/webview/bench.js', import.meta.url).pathname);
await main();
