/**
 * Runs the browser tests: one Chromium, a fresh page per test. Prints one line per test and ends with
 * "webview: N passed, N failed". Assumes `npm run build` and `tsc -p tsconfig.test.json` ran.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, openTimeline, servePage } from './harness';
import { cases as timelineCases } from './timeline.cases';
import { layoutCases } from './layout.cases';
import { labelCases } from './labels.cases';
import { densityCases } from './density.cases';
import { narrowCases } from './narrow.cases';
import { contrastCases } from './contrast.cases';
import { openRenderer, visualCases } from './visual';

const TEST_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const cases = [...timelineCases, ...layoutCases, ...labelCases, ...densityCases, ...narrowCases, ...contrastCases];

export async function main(filter?: string): Promise<number> {
  // A concurrent `npm run build` empties dist/ for a moment: give it a few seconds to come back.
  for (let i = 0; i < 30 && !existsSync(join(ROOT, 'dist', 'webview.js')); i++)
    await new Promise((r) => setTimeout(r, 500));
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) {
    console.log('dist/webview.js is missing: run `npm run build` first.');
    console.log('webview: 0 passed, 1 failed');
    return 1;
  }
  const server = await servePage();
  const browser = await launch();
  let passed = 0;
  let failed = 0;
  try {
    for (const c of cases.filter((k) => filter === undefined || k.name.includes(filter))) {
      const t0 = Date.now();
      const page = await openTimeline(browser, server, { dpr: c.dpr ?? 1 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await withTimeout(c.run({ page, server }), TEST_TIMEOUT_MS, c.name);
        if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
        passed++;
        console.log(`  ✔ ${c.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(
          `  ✖ ${c.name}\n    ${(e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').slice(0, 6).join('\n    ')}`,
        );
      } finally {
        await page.context().close();
      }
    }
    // Visual regression runs in the renderer's own Chromium (pinned font rendering flags).
    const visual = visualCases.filter((k) => filter === undefined || k.name.includes(filter));
    if (visual.length > 0) {
      const renderer = await openRenderer();
      try {
        for (const c of visual) {
          const t0 = Date.now();
          try {
            await withTimeout(c.run(renderer), TEST_TIMEOUT_MS, c.name);
            passed++;
            console.log(`  ✔ ${c.name} (${Date.now() - t0} ms)`);
          } catch (e) {
            failed++;
            console.log(
              `  ✖ ${c.name}\n    ${(e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').slice(0, 6).join('\n    ')}`,
            );
          }
        }
      } finally {
        await renderer.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`webview: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
