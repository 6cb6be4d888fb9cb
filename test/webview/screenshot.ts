/**
 * Saves media/screenshot-timeline.png (dark) and media/screenshot-timeline-light.png from the
 * threads + asyncio + process demo model. Run: node -e "require('./out/test/webview/screenshot.js').main()"
 */
import { join } from 'node:path';
import { ROOT, launch, openTimeline, postAndPaint, servePage } from './harness';
import { demoModel } from './models';

export async function main(): Promise<void> {
  const server = await servePage();
  const browser = await launch();
  try {
    for (const theme of ['dark', 'light'] as const) {
      const page = await openTimeline(browser, server, { theme, width: 1400, height: 860, dpr: 1 });
      await postAndPaint(page, { type: 'trace', model: demoModel(), live: false });
      // Select the lock hand-off so the shot shows selection, list sync and a flow arrow.
      await page.evaluate(() => {
        const row = Array.from(document.querySelectorAll('.step')).find((r) => r.textContent?.includes('acquire Lock #1 (waited'));
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
