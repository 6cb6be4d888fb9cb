import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildTimelineCsp, buildTimelineHtml, escapeHtml } from '../../../src/timeline/html';

const opts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abcDEF0123456789xyz=',
  scriptUri: 'https://x/dist/webview.js',
  styleUri: 'https://x/media/timeline.css',
  title: 'app.py',
};

test('the CSP allows only our nonce-tagged script and webview-origin styles, images and fonts', () => {
  const csp = buildTimelineCsp(opts.cspSource, opts.nonce);
  assert.equal(
    csp,
    [
      "default-src 'none'",
      `script-src 'nonce-${opts.nonce}'`,
      `style-src ${opts.cspSource}`,
      `img-src ${opts.cspSource} data:`,
      `font-src ${opts.cspSource}`,
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
  );
  assert.ok(!csp.includes('unsafe'));
});

test('the page has one script, with the nonce, and no inline handlers or styles', () => {
  const html = buildTimelineHtml(opts);
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.ok(html.includes(`<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>`));
  assert.ok(!/\son[a-z]+=/i.test(html));
  assert.ok(!/<style|style=/i.test(html));
  assert.ok(html.includes('http-equiv="Content-Security-Policy"'));
});

test('the title and URIs are escaped', () => {
  const html = buildTimelineHtml({ ...opts, title: '<img src=x onerror=alert(1)> & "q"' });
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;'));
  assert.equal(escapeHtml(`'`), '&#39;');
});

test('a nonce or source that could widen the policy is refused', () => {
  assert.throws(() => buildTimelineCsp(opts.cspSource, "abc' 'unsafe-inline"));
  assert.throws(() => buildTimelineCsp(opts.cspSource, 'short'));
  assert.throws(() => buildTimelineCsp("https://x; script-src 'unsafe-inline'", opts.nonce));
  assert.throws(() => buildTimelineCsp("https://x 'unsafe-eval'", opts.nonce));
  assert.equal(
    buildTimelineCsp("'self' https://*.vscode-cdn.net", opts.nonce).split('; ')[2],
    "style-src 'self' https://*.vscode-cdn.net",
  );
});
