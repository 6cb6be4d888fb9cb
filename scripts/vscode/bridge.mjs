// Lets test code inside the extension host look at the page the harness drives: the extension host
// cannot reach playwright, so the harness listens on 127.0.0.1 with a random token and code-server
// hands the address and token to the extension host in its environment (client: test/integration/bridge.ts).
//
// POST / with header "authorization: Bearer <token>" and a JSON body {op, ...}; answers {ok, ...} or {ok:false, error}.
//   {op:'screenshot', path, target?:'page'|'webview'}   saves a PNG
//   {op:'text', selector?, target?}                      innerText of the first match (default body)
//   {op:'count', selector, target?}                      number of matches
//   {op:'countInView', selector, target?}                how many matches lie wholly inside the frame's width
//   {op:'waitFor', selector, target?, state?, timeoutMs?}
//   {op:'waitForText', selector, pattern, flags?, target?, timeoutMs?}   until a match's text matches the RegExp
//   {op:'click', selector, target?, timeoutMs?}       fails fast if something (a toast) covers the element
//   {op:'viewport', width, height}                     resizes the window (a test of narrow and wide panels)
//   {op:'boxes', selector, target?}                    the client rectangles of every match, {x,y,width,height}
// target 'webview' (the default) is the content of the last visible ready webview; 'page' is the workbench.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, isAbsolute } from 'node:path';

export const BRIDGE_URL_ENV = 'CONCURRENCY_LAB_BRIDGE_URL';
export const BRIDGE_TOKEN_ENV = 'CONCURRENCY_LAB_BRIDGE_TOKEN';
const MAX_BODY = 64 * 1024;

function webviewContent(page) {
  return page.locator('iframe.webview.ready:visible').last().contentFrame().locator('#active-frame').contentFrame();
}

function scope(page, target) {
  return target === 'page' ? page : webviewContent(page);
}

async function perform(page, req) {
  const target = req.target === 'page' ? 'page' : 'webview';
  const selector = typeof req.selector === 'string' && req.selector ? req.selector : undefined;
  const need = () => {
    if (!selector) throw new Error(`op ${String(req.op)} needs a selector`);
    return scope(page, target).locator(selector);
  };
  switch (req.op) {
    case 'screenshot': {
      if (typeof req.path !== 'string' || !isAbsolute(req.path)) throw new Error('screenshot needs an absolute path');
      mkdirSync(dirname(req.path), { recursive: true });
      if (target === 'page') await page.screenshot({ path: req.path });
      else await page.locator('iframe.webview.ready:visible').last().screenshot({ path: req.path });
      return { path: req.path };
    }
    case 'text':
      return {
        text: await scope(page, target)
          .locator(selector ?? 'body')
          .first()
          .innerText(),
      };
    case 'count':
      return { count: await need().count() };
    case 'countInView':
      return {
        count: await need().evaluateAll(
          (els) =>
            els.filter((e) => {
              const r = e.getBoundingClientRect();
              return r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;
            }).length,
        ),
      };
    case 'waitFor': {
      const state = ['attached', 'detached', 'visible', 'hidden'].includes(req.state) ? req.state : 'visible';
      const timeout = Number.isFinite(req.timeoutMs) ? Number(req.timeoutMs) : 10000;
      await need().first().waitFor({ state, timeout });
      return {};
    }
    case 'waitForText': {
      if (typeof req.pattern !== 'string') throw new Error('waitForText needs a pattern');
      const hasText = new RegExp(req.pattern, typeof req.flags === 'string' ? req.flags : '');
      const timeout = Number.isFinite(req.timeoutMs) ? Number(req.timeoutMs) : 10000;
      try {
        await need().filter({ hasText }).first().waitFor({ state: 'attached', timeout });
      } catch {
        // Say what was there instead, so a failure reads like an assertion.
        const seen = await need()
          .first()
          .innerText({ timeout: 5000 })
          .catch(() => '(no such element)');
        throw new Error(
          `no ${selector} matched ${hasText} within ${timeout} ms; it reads: ${JSON.stringify(seen.slice(0, 300))}`,
        );
      }
      return {};
    }
    case 'click':
      await need()
        .first()
        .click({ timeout: Number.isFinite(req.timeoutMs) ? Number(req.timeoutMs) : 10000 });
      return {};
    case 'viewport': {
      const width = Number(req.width);
      const height = Number(req.height);
      if (!(width >= 320 && width <= 4000 && height >= 240 && height <= 4000))
        throw new Error('viewport needs a width (320-4000) and height (240-4000)');
      await page.setViewportSize({ width, height });
      return {};
    }
    case 'boxes':
      return {
        boxes: await need().evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height };
          }),
        ),
      };
    default:
      throw new Error(`unknown op ${JSON.stringify(req.op)}`);
  }
}

function readBody(req) {
  return new Promise((resolvePromise, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the bridge; attach(page) once the page exists. Returns { env, attach, close }. */
export async function startBridge({ log = () => undefined } = {}) {
  const token = randomBytes(24).toString('hex');
  let page;
  const server = createServer((req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`) {
      reply(403, { ok: false, error: 'forbidden' });
      return;
    }
    readBody(req)
      .then(async (text) => {
        if (!page) throw new Error('no page attached yet');
        const body = JSON.parse(text);
        log(`bridge: ${String(body.op)} ${body.selector ?? body.path ?? ''}`);
        reply(200, { ok: true, ...(await perform(page, body)) });
      })
      .catch((e) => reply(200, { ok: false, error: e instanceof Error ? e.message : String(e) }));
  });
  await new Promise((resolvePromise, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolvePromise);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    env: { [BRIDGE_URL_ENV]: `http://127.0.0.1:${port}/`, [BRIDGE_TOKEN_ENV]: token },
    attach: (p) => {
      page = p;
    },
    close: () => new Promise((resolvePromise) => server.close(() => resolvePromise())),
  };
}
