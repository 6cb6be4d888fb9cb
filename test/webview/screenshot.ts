/**
 * Saves media/screenshot-timeline.png (dark) and media/screenshot-timeline-light.png from a real
 * trace of media/demos/three_patterns.py (threads, asyncio tasks and processes), recorded by the CLI
 * into test/fixtures/models. Run: node -e "require('./out/test/webview/screenshot.js').main()"
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceModel } from '../../src/shared/traceModel';
import { ROOT, launch, openTimeline, postAndPaint, servePage } from './harness';

export async function main(): Promise<void> {
  const server = await servePage();
  const browser = await launch();
  try {
    for (const theme of ['dark', 'light'] as const) {
      const page = await openTimeline(browser, server, { theme, width: 1400, height: 860, dpr: 1 });
      const model = JSON.parse(
        readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'three_patterns.json'), 'utf8'),
      ) as TraceModel;
      await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live: false });
      // Select a thread's sleep so the shot shows selection, list sync and wait bars.
      await page.evaluate(() => {
        const row = Array.from(document.querySelectorAll('.step')).find((r) => r.textContent?.includes('sleep 0.2 s'));
        (row as HTMLElement | undefined)?.click();
      });
      await page.waitForTimeout(150);
      const file = join(ROOT, 'media', theme === 'dark' ? 'screenshot-timeline.png' : 'screenshot-timeline-light.png');
      await page.screenshot({ path: file });
      console.log(`wrote ${file}`);
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
