// Headless Debian Chromium driven by playwright-core (which never downloads a browser of its own).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath } from './system.mjs';

// Without the networking flags Chromium floods the log with refused connections on offline machines.
// One list with the render command's and the webview tests' (src/render/chromium.ts), read as JSON
// because this file runs before anything is compiled.
export const CHROMIUM_ARGS = JSON.parse(
  readFileSync(new URL('../../src/render/chromiumArgs.json', import.meta.url), 'utf8'),
);

/**
 * Launches Chromium with a profile folder of our own, so leftovers can be found by that path.
 * Returns { context, page, profileDir, close() }.
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 } } = {}) {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)');
  const profileDir = mkdtempSync(join(tmpdir(), 'concurrency-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await context.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return { context, page, profileDir, close };
}
