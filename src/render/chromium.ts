/**
 * How we start headless Debian Chromium (playwright-core never downloads a browser of its own): one
 * home for the render command and the webview tests. scripts/vscode/browser.mjs keeps a plain-JS copy of
 * the list because it runs before anything is compiled.
 */
import { existsSync } from 'node:fs';

/** Without the networking flags Chromium floods the log with refused connections on offline machines. */
export const HEADLESS_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

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
