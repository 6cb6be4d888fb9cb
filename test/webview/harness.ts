/**
 * Serves the real timeline page (buildTimelineHtml + dist/webview.js + media/timeline.css) on
 * 127.0.0.1 and drives it in headless Chromium. A stand-in for acquireVsCodeApi records what the
 * page posts; host messages arrive through window.postMessage like VS Code delivers them.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';
import { encodeTraceColumns } from '../../src/shared/traceColumns';
import type { TraceModel } from '../../src/shared/traceModel';
import { buildTimelineHtml } from '../../src/timeline/html';
import { chromiumPath, HEADLESS_CHROMIUM_ARGS } from '../../src/render/chromium';
import { THEME_BODY_CLASSES, VSCODE_HC_THEMES, VSCODE_THEMES } from '../../src/render/vscodeThemes';

export const ROOT = join(__dirname, '..', '..', '..');

/** VS Code's Dark Modern / Light Modern values for the variables the page reads (one home: src/render). */
export const THEMES = { ...VSCODE_THEMES, ...VSCODE_HC_THEMES };
export type TestTheme = keyof typeof THEMES;

export interface PageServer {
  origin: string;
  /** The nonce of the last page served. */
  lastNonce(): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript',
  css: 'text/css',
  json: 'application/json',
  wasm: 'application/wasm',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain',
};

function contentType(url: string): string {
  return TYPES[url.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

export async function servePage(extra: Record<string, string> = {}): Promise<PageServer> {
  let nonce = '';
  const files: Record<string, [string, string]> = {
    '/dist/webview.js': [join(ROOT, 'dist', 'webview.js'), 'text/javascript'],
    '/media/timeline.css': [join(ROOT, 'media', 'timeline.css'), 'text/css'],
    ...Object.fromEntries(Object.entries(extra).map(([url, file]) => [url, [file, contentType(url)]])),
  };
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/' || url === '/index.html') {
      const addr = server.address() as AddressInfo;
      const origin = `http://127.0.0.1:${addr.port}`;
      nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        buildTimelineHtml({
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/media/timeline.css`,
          title: 'Timeline',
        }),
      );
      return;
    }
    const f = files[url];
    if (!f) {
      res.writeHead(404);
      res.end();
      return;
    }
    try {
      res.writeHead(200, { 'content-type': f[1] });
      res.end(readFileSync(f[0]));
    } catch {
      res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    lastNonce: () => nonce,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...HEADLESS_CHROMIUM_ARGS, ...extraArgs] });
}

interface PageGlobals {
  __posted: WebviewMessage[];
  __alerts: string[];
  __cspViolations: string[];
  __setTheme(kind: TestTheme): void;
  /** What the page last gave setState (the webview state). */
  __state: unknown;
}

/** Opens the timeline page with the VS Code stand-ins and waits for its 'ready'. */
/** `state`: what getState() returns at start, as VS Code restores a webview's state. */
export async function openTimeline(
  browser: Browser,
  server: PageServer,
  opts: { theme?: TestTheme; width?: number; height?: number; dpr?: number; state?: unknown } = {},
): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    deviceScaleFactor: opts.dpr ?? 1,
  });
  const page = await ctx.newPage();
  await page.addInitScript(
    ({ themes, classes, kind, state }) => {
      const w = window as unknown as PageGlobals & { acquireVsCodeApi(): unknown };
      w.__posted = [];
      w.__state = state;
      w.__alerts = [];
      w.__cspViolations = [];
      let acquired = false;
      w.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi called twice');
        acquired = true;
        return {
          postMessage: (m: WebviewMessage) => w.__posted.push(JSON.parse(JSON.stringify(m)) as WebviewMessage),
          getState: () => w.__state,
          setState: (st: unknown) => {
            w.__state = JSON.parse(JSON.stringify(st)) as unknown;
          },
        };
      };
      window.alert = (m?: unknown) => {
        w.__alerts.push(String(m));
      };
      document.addEventListener('securitypolicyviolation', (e) =>
        w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
      // Like VS Code, put the theme variables on <html> and the theme class on <body> before our script runs.
      w.__setTheme = (k: keyof typeof themes) => {
        const apply = (): boolean => {
          const html = document.documentElement;
          if (html) {
            // A theme's variables replace the last one's: high contrast leaves some out on purpose.
            for (const name of Array.from(html.style))
              if (name.startsWith('--vscode-')) html.style.removeProperty(name);
            for (const [name, value] of Object.entries(themes[k])) html.style.setProperty(`--vscode-${name}`, value);
          }
          if (!document.body) return false;
          document.body.classList.remove(
            'vscode-dark',
            'vscode-light',
            'vscode-high-contrast',
            'vscode-high-contrast-light',
          );
          document.body.classList.add(...classes[k]);
          return true;
        };
        if (apply()) return;
        const obs = new MutationObserver(() => {
          if (apply()) obs.disconnect();
        });
        obs.observe(document, { childList: true, subtree: true });
      };
      w.__setTheme(kind);
    },
    { themes: THEMES, classes: THEME_BODY_CLASSES, kind: opts.theme ?? 'dark', state: opts.state },
  );
  page.on('dialog', (d) => {
    void page
      .evaluate((m) => (window as unknown as PageGlobals).__alerts.push(`dialog: ${m}`), d.message())
      .catch(() => undefined);
    void d.dismiss().catch(() => undefined);
  });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => (window as unknown as PageGlobals).__posted.some((m) => m.type === 'ready'));
  return page;
}

export async function postToPage(page: Page, msg: HostMessage | Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

export type PostEncoding = 'json' | 'columns';

/**
 * Posts a model too large for one DevTools message: the payload goes over in chunks and is rebuilt in
 * the page, then the page posts the message to itself — 'traceJson' (text) or 'traceColumns' (what the
 * panel sends: binary columns as an ArrayBuffer). Resolves with the page-clock times: `paintMs`
 * (postMessage → end of the first frame) and `loadedMs` (postMessage → the list, output, filters and
 * indexes all ready).
 */
export async function postLarge(
  page: Page,
  model: TraceModel,
  live = false,
  encoding: PostEncoding = 'columns',
): Promise<{ paintMs: number; loadedMs: number }> {
  let text = '';
  let head = '';
  let data = '';
  if (encoding === 'columns') {
    const c = encodeTraceColumns(model);
    head = c.head;
    data = Buffer.from(c.data).toString('base64');
  } else text = JSON.stringify(model);
  const CHUNK = 16 * 1024 * 1024;
  await page.evaluate(() => {
    const w = window as unknown as { __chunks: string[]; __data: string[] };
    w.__chunks = [];
    w.__data = [];
  });
  const loaded = await loadedCount(page);
  for (let i = 0; i < text.length; i += CHUNK) {
    await page.evaluate(
      (c) => (window as unknown as { __chunks: string[] }).__chunks.push(c),
      text.slice(i, i + CHUNK),
    );
  }
  for (let i = 0; i < data.length; i += CHUNK) {
    await page.evaluate((c) => (window as unknown as { __data: string[] }).__data.push(c), data.slice(i, i + CHUNK));
  }
  const times = await page.evaluate(
    ({ encoding, live, head, loaded }) =>
      new Promise<{ paintMs: number; loadedMs: number }>((resolve) => {
        const w = window as unknown as { __chunks: string[]; __data: string[] };
        const canvas = document.querySelector('canvas') as HTMLCanvasElement;
        const before = Number(canvas.dataset.frames ?? 0);
        const text = w.__chunks.join('');
        let buffer: ArrayBuffer | undefined;
        if (encoding === 'columns') {
          const bin = atob(w.__data.join(''));
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          buffer = bytes.buffer;
        }
        w.__chunks = [];
        w.__data = [];
        const msg =
          encoding === 'columns'
            ? { type: 'traceColumns', head, data: buffer, live }
            : { type: 'traceJson', json: text, live };
        const t1 = performance.now();
        // VS Code's webview frame forwards a message's ArrayBuffers to the page as transferables
        // (webview/browser/pre/index.html: contentWindow.postMessage(data.message, origin, data.transfer)):
        // they are moved, not copied. Do the same, or the open time counts a copy VS Code never makes.
        window.postMessage(msg, '*', buffer ? [buffer] : []);
        let paintMs = -1;
        const check = (): void => {
          const marks = performance.getEntriesByName('timeline-frame');
          if (paintMs < 0 && Number(canvas.dataset.frames ?? 0) > before && marks.length > 0)
            paintMs = marks[marks.length - 1].startTime - t1;
          if (paintMs >= 0 && Number(document.body.dataset.loaded ?? 0) > loaded)
            resolve({ paintMs, loadedMs: performance.now() - t1 });
          else setTimeout(check, 1);
        };
        setTimeout(check, 1);
      }),
    { encoding, live, head, loaded },
  );
  await waitLoaded(page, loaded);
  return times;
}

export async function frames(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.querySelector('canvas')?.dataset.frames ?? 0));
}

/** Posts a message and waits until the canvas has painted after it. */
export async function postAndPaint(page: Page, msg: HostMessage): Promise<void> {
  const before = await frames(page);
  const loaded = await loadedCount(page);
  await postToPage(page, msg);
  await page.waitForFunction((n) => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > n, before);
  if (msg.type === 'traceJson' || msg.type === 'traceColumns') await waitLoaded(page, loaded);
}

async function loadedCount(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset.loaded ?? 0));
}

/** The list, output and filters follow the first canvas frame of a model: wait for them too. */
async function waitLoaded(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.loaded ?? 0) > n, before);
}

export async function waitPaint(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > n, before);
}

export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (window as unknown as PageGlobals).__posted);
}

export async function clearPosted(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as PageGlobals).__posted.length = 0;
  });
}

export async function alerts(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as PageGlobals).__alerts);
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as PageGlobals).__cspViolations);
}

export async function setTheme(page: Page, kind: 'dark' | 'light'): Promise<void> {
  await page.evaluate((k) => (window as unknown as PageGlobals).__setTheme(k), kind);
}

/** RGB of the canvas at CSS coordinates (read back from the canvas itself). */
export async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.evaluate(
    ({ x, y }) => {
      const c = document.querySelector('canvas') as HTMLCanvasElement;
      const k = c.width / c.clientWidth;
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
        Math.round(x * k),
        Math.round(y * k),
        1,
        1,
      ).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    },
    { x, y },
  );
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export async function stepBox(page: Page, step: number): Promise<Box> {
  const b = await page.evaluate((s) => window.timelineProbe?.stepBox(s) ?? null, step);
  if (b === null) throw new Error(`step ${step} is not drawn`);
  return b;
}

/** Canvas-relative point → page point for mouse events. */
export async function canvasPoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const r = await page.locator('canvas').boundingBox();
  if (r === null) throw new Error('no canvas');
  return { x: r.x + x, y: r.y + y };
}

declare global {
  interface Window {
    timelineProbe?: import('../../src/webview/app').TimelineProbe;
  }
}
