/**
 * How we start headless Debian Chromium (playwright-core never downloads a browser of its own): for the
 * render command and the webview tests. The flags live in chromiumArgs.json, which
 * scripts/vscode/browser.mjs reads too (it runs before anything is compiled); esbuild bundles the JSON.
 */
import { existsSync } from 'node:fs';
import chromiumArgs from './chromiumArgs.json';

/** Without the networking flags Chromium floods the log with refused connections on offline machines. */
export const HEADLESS_CHROMIUM_ARGS: readonly string[] = chromiumArgs;

/** Flags that make text rendering the same from run to run (pictures compared with references). */
export const STABLE_TEXT_ARGS: readonly string[] = [
  '--font-render-hinting=none',
  '--disable-lcd-text',
  '--force-color-profile=srgb',
];

/** The Chromium to drive: CHROMIUM_PATH, else Debian's; throws with what to do when it is missing. */
export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p))
    throw new Error(`Chromium not found at ${p}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  return p;
}
