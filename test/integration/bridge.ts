// Client for the harness bridge (scripts/vscode/bridge.mjs): from a test inside the extension host, look at
// the page the harness drives — screenshot it, read a webview's text, count or wait for elements, click.
// 'webview' targets the content of the last visible webview; 'page' the whole workbench.
export type BridgeTarget = 'webview' | 'page';

interface BridgeReply {
  ok: boolean;
  error?: string;
  text?: string;
  count?: number;
  path?: string;
  boxes?: Box[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How long a pass's first look into a webview may wait. A fresh profile's first webview (its service worker,
 * a browser that just started, cold disk caches) has taken over 10 s, and on fresh CI machines over 30 s, to
 * become ready; later webviews take well under a second. A wait that succeeds costs only its real time.
 */
export const FIRST_WEBVIEW_MS = 90_000;

async function call(body: Record<string, unknown>): Promise<BridgeReply> {
  const url = process.env.CONCURRENCY_LAB_BRIDGE_URL;
  const token = process.env.CONCURRENCY_LAB_BRIDGE_TOKEN;
  if (!url || !token)
    throw new Error('no harness bridge in this run (it exists only under scripts/test-integration.mjs)');
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = (await res.json()) as BridgeReply;
  if (!reply.ok) throw new Error(`bridge ${String(body.op)} failed: ${reply.error ?? res.status}`);
  return reply;
}

/** Saves a PNG of the webview (default) or the whole page to an absolute path. */
export async function screenshot(path: string, target: BridgeTarget = 'webview'): Promise<void> {
  await call({ op: 'screenshot', path, target });
}

/** innerText of the first element matching selector (default: the whole body). */
export async function text(selector = 'body', target: BridgeTarget = 'webview'): Promise<string> {
  return (await call({ op: 'text', selector, target })).text ?? '';
}

export async function count(selector: string, target: BridgeTarget = 'webview'): Promise<number> {
  return (await call({ op: 'count', selector, target })).count ?? 0;
}

/** How many elements matching selector lie wholly inside the frame's width (not cut off at its right edge). */
export async function countInView(selector: string, target: BridgeTarget = 'webview'): Promise<number> {
  return (await call({ op: 'countInView', selector, target })).count ?? 0;
}

export async function waitFor(
  selector: string,
  options: { target?: BridgeTarget; state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeoutMs?: number } = {},
): Promise<void> {
  await call({
    op: 'waitFor',
    selector,
    target: options.target ?? 'webview',
    state: options.state,
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Waits until an element matching selector has text matching pattern (the webview fills in when its
 * messages arrive, not at any moment a test could name); fails after timeoutMs (default 10 s) saying
 * what the element read instead.
 */
export async function waitForText(
  selector: string,
  pattern: RegExp,
  options: { target?: BridgeTarget; timeoutMs?: number } = {},
): Promise<void> {
  await call({
    op: 'waitForText',
    selector,
    pattern: pattern.source,
    flags: pattern.flags,
    target: options.target ?? 'webview',
    timeoutMs: options.timeoutMs,
  });
}

/** Clicks like a user: fails (after timeoutMs, default 10 s) when something such as a toast covers the element. */
export async function click(selector: string, target: BridgeTarget = 'webview', timeoutMs?: number): Promise<void> {
  await call({ op: 'click', selector, target, timeoutMs });
}

/** Resizes the browser window the workbench runs in (CSS pixels). */
export async function setViewport(width: number, height: number): Promise<void> {
  await call({ op: 'viewport', width, height });
}

/** The client rectangles of every element matching selector (in its frame's coordinates). */
export async function boxes(selector: string, target: BridgeTarget = 'webview'): Promise<Box[]> {
  return (await call({ op: 'boxes', selector, target })).boxes ?? [];
}
