/**
 * Renders the real Timeline page (the same HTML, bundle and stylesheet the panel loads) in headless
 * Chromium and returns a PNG of what a user sees in a panel of that size. Used by
 * `concurrency-lab render`, the README's pictures and the visual regression tests.
 *
 * The page is served from a made-up origin through request interception (no port, no server), with a
 * stand-in for acquireVsCodeApi and the theme variables VS Code would set. playwright-core is loaded
 * only when a render is asked for, so the rest of the CLI works without it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TraceModel } from '../shared/traceModel';
import { buildTimelineHtml } from '../timeline/html';
import { chromiumPath, HEADLESS_CHROMIUM_ARGS, STABLE_TEXT_ARGS } from './chromium';
import {
  THEME_BODY_CLASSES,
  VSCODE_HC_THEMES,
  VSCODE_THEMES,
  type HighContrastKind,
  type ThemeKind,
} from './vscodeThemes';

export interface RenderOptions {
  width: number;
  height: number;
  theme: ThemeKind | HighContrastKind;
  /** Device pixels per CSS pixel (1 = what the tests compare). */
  scale?: number;
  /** Runs on the settled page just before the screenshot (tests use it to make a deliberate change). */
  beforeShot?: (page: Page) => Promise<void>;
}

export const DEFAULT_RENDER: RenderOptions = { width: 1400, height: 800, theme: 'dark', scale: 1 };

const ORIGIN = 'https://timeline.render';
/** Playwright carries evaluate() arguments in one protocol message: send big models in slices. */
const CHUNK = 8 * 1024 * 1024;

export interface TimelineAssets {
  webviewJs: string;
  css: string;
}

/** dist/webview.js and media/timeline.css, from the bundle (dist/cli.js) or a tsc build (out/src/render). */
export function findAssets(): TimelineAssets {
  for (const root of [join(__dirname, '..'), join(__dirname, '..', '..', '..')]) {
    const webviewJs = join(root, 'dist', 'webview.js');
    const css = join(root, 'media', 'timeline.css');
    if (existsSync(webviewJs) && existsSync(css)) return { webviewJs, css };
  }
  throw new Error('dist/webview.js or media/timeline.css not found: run `npm run build` first');
}

export interface TimelineRenderer {
  readonly browser: Browser;
  render(model: TraceModel, opts?: Partial<RenderOptions>): Promise<Buffer>;
  close(): Promise<void>;
}

interface RenderGlobals {
  __errors: string[];
  __ready: boolean;
  __chunks: string[];
}

// The callbacks given to addInitScript, evaluate and waitForFunction run in the page, not in Node. This
// file is Node code (its project has no DOM library; only src/webview has it), so these are the page's
// globals those callbacks use, and nothing more.
interface PageElement {
  style: { setProperty(name: string, value: string): void };
  classList: { add(name: string): void };
  dataset: Record<string, string | undefined>;
}
declare const window: { postMessage(message: unknown, targetOrigin: string): void };
declare const document: { documentElement: PageElement; body: PageElement; fonts: { ready: Promise<unknown> } };
declare function requestAnimationFrame(callback: () => void): number;
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList: boolean; subtree: boolean }): void;
  disconnect(): void;
}

/** Starts one Chromium for any number of renders. */
export async function openRenderer(assets: TimelineAssets = findAssets()): Promise<TimelineRenderer> {
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('rendering needs the npm package playwright-core: run `npm install` in the extension folder');
  }
  const browser: Browser = await playwright.chromium.launch({
    executablePath: chromiumPath(),
    args: [...HEADLESS_CHROMIUM_ARGS, ...STABLE_TEXT_ARGS],
  });
  const js = readFileSync(assets.webviewJs);
  const css = readFileSync(assets.css);
  return {
    browser,
    render: async (model, partial = {}) => {
      const opts = { ...DEFAULT_RENDER, ...partial };
      const ctx = await browser.newContext({
        viewport: { width: opts.width, height: opts.height },
        deviceScaleFactor: opts.scale ?? 1,
      });
      try {
        const page = await ctx.newPage();
        await page.route(`${ORIGIN}/**`, async (route) => {
          const path = new URL(route.request().url()).pathname;
          if (path === '/') {
            const nonce = randomBytes(16).toString('base64');
            const html = buildTimelineHtml({
              cspSource: ORIGIN,
              nonce,
              scriptUri: `${ORIGIN}/webview.js`,
              styleUri: `${ORIGIN}/timeline.css`,
              title: model.title,
            });
            await route.fulfill({ contentType: 'text/html; charset=utf-8', body: html });
          } else if (path === '/webview.js') await route.fulfill({ contentType: 'text/javascript', body: js });
          else if (path === '/timeline.css') await route.fulfill({ contentType: 'text/css', body: css });
          else await route.fulfill({ status: 404, body: '' });
        });
        await page.addInitScript(
          ({ vars, classes }) => {
            const w = window as unknown as RenderGlobals & { acquireVsCodeApi(): unknown };
            w.__errors = [];
            w.__ready = false;
            let state: unknown;
            w.acquireVsCodeApi = () => ({
              postMessage: (m: { type: string; level?: string; text?: string }) => {
                if (m.type === 'ready') w.__ready = true;
                if (m.type === 'log' && m.level === 'error') w.__errors.push(String(m.text));
              },
              getState: () => state,
              setState: (s: unknown) => {
                state = s;
              },
            });
            // As VS Code does: variables on <html>, the theme class on <body>, before our script runs
            // (an init script runs before <html> exists: wait for the elements).
            let varsSet = false;
            const mark = (): boolean => {
              if (!varsSet && document.documentElement) {
                for (const [name, value] of Object.entries(vars))
                  document.documentElement.style.setProperty(`--vscode-${name}`, value);
                varsSet = true;
              }
              if (!document.body) return false;
              for (const c of classes) document.body.classList.add(c);
              document.body.dataset.vscodeThemeKind = classes[classes.length - 1];
              return true;
            };
            if (!mark()) {
              const obs = new MutationObserver(() => {
                if (mark()) obs.disconnect();
              });
              obs.observe(document, { childList: true, subtree: true });
            }
          },
          { vars: { ...VSCODE_THEMES, ...VSCODE_HC_THEMES }[opts.theme], classes: THEME_BODY_CLASSES[opts.theme] },
        );
        await page.goto(`${ORIGIN}/`);
        await page.waitForFunction(() => (window as unknown as RenderGlobals).__ready);
        const json = JSON.stringify(model);
        await page.evaluate(() => {
          (window as unknown as RenderGlobals).__chunks = [];
        });
        for (let i = 0; i < json.length; i += CHUNK) {
          await page.evaluate((c) => (window as unknown as RenderGlobals).__chunks.push(c), json.slice(i, i + CHUNK));
        }
        await page.evaluate(() => {
          const w = window as unknown as RenderGlobals;
          window.postMessage({ type: 'traceJson', json: w.__chunks.join(''), live: false }, '*');
          w.__chunks = [];
        });
        await page.waitForFunction(
          () =>
            Number(document.body.dataset.loaded ?? 0) > 0 || (window as unknown as RenderGlobals).__errors.length > 0,
        );
        const errors = await page.evaluate(() => (window as unknown as RenderGlobals).__errors);
        if (errors.length > 0) throw new Error(`the Timeline page failed: ${errors.join('; ')}`);
        // Fonts loaded and two frames painted after the last change: the picture is settled.
        await page.evaluate(() =>
          document.fonts.ready.then(
            () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
          ),
        );
        if (opts.beforeShot) await opts.beforeShot(page);
        return await page.screenshot({ type: 'png' });
      } finally {
        await ctx.close();
      }
    },
    close: () => browser.close(),
  };
}

/** One render with its own Chromium. */
export async function renderTimelinePng(model: TraceModel, opts: Partial<RenderOptions> = {}): Promise<Buffer> {
  const r = await openRenderer();
  try {
    return await r.render(model, opts);
  } finally {
    await r.close();
  }
}
