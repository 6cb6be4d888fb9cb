#!/usr/bin/env node
// Browser tests of the Timeline webview in headless Chromium (Debian's /usr/bin/chromium via playwright-core).
// Needs `npm run build` (dist/webview.js) and `npx tsc -p tsconfig.test.json` (out/). Ends with
// "webview: N passed, N failed".  Optional argument: run only tests whose name contains it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const runner = new URL('../out/test/webview/run.js', import.meta.url);
if (!existsSync(runner)) {
  console.log('out/test/webview/run.js is missing: run `npx tsc -p tsconfig.test.json` first.');
  console.log('webview: 0 passed, 1 failed');
  process.exit(1);
}
const { main } = require(runner.pathname);
process.exit(await main(process.argv[2]));
