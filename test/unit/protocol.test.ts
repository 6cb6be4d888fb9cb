import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isHostMessage, parseWebviewMessage } from '../../src/shared/protocol';

test('reveal with a valid source index passes', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'reveal', source: 1, line: 3, preserveFocus: true }, 2), {
    type: 'reveal',
    source: 1,
    line: 3,
    preserveFocus: true,
  });
});

test('reveal outside the run sources is rejected', () => {
  assert.equal(parseWebviewMessage({ type: 'reveal', source: 2, line: 3, preserveFocus: true }, 2), undefined);
  assert.equal(
    parseWebviewMessage({ type: 'reveal', source: '/etc/passwd', line: 3, preserveFocus: true }, 2),
    undefined,
  );
  assert.equal(parseWebviewMessage({ type: 'reveal', source: 0, line: 0, preserveFocus: true }, 2), undefined);
  assert.equal(parseWebviewMessage({ type: 'reveal', source: 0, line: 1.5, preserveFocus: true }, 2), undefined);
});

test('unknown types and extra fields are rejected', () => {
  assert.equal(parseWebviewMessage({ type: 'runCommand', command: 'rm -rf /' }, 2), undefined);
  assert.equal(parseWebviewMessage({ type: 'stop', extra: 1 }, 2), undefined);
  assert.equal(parseWebviewMessage(null, 2), undefined);
  assert.equal(parseWebviewMessage('stop', 2), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'stop' }, 2), { type: 'stop' });
});

test('log text is truncated', () => {
  const m = parseWebviewMessage({ type: 'log', level: 'error', text: 'x'.repeat(5000) }, 0);
  assert.ok(m && m.type === 'log' && m.text.length === 2000);
});

test('painted carries exactly its live flag', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'painted', live: true }, 0), { type: 'painted', live: true });
  assert.equal(parseWebviewMessage({ type: 'painted' }, 0), undefined);
  assert.equal(parseWebviewMessage({ type: 'painted', live: 'yes' }, 0), undefined);
  assert.equal(parseWebviewMessage({ type: 'painted', live: false, extra: 1 }, 0), undefined);
});

test('image answers must be a PNG data URL of base64 and nothing else', () => {
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  assert.deepEqual(parseWebviewMessage({ type: 'image', id: 3, png }, 0), { type: 'image', id: 3, png });
  assert.equal(parseWebviewMessage({ type: 'image', id: 3, png: 'data:text/html;base64,PHNjcmlwdD4=' }, 0), undefined);
  assert.equal(parseWebviewMessage({ type: 'image', id: 3, png: `${png}"><script>` }, 0), undefined);
  assert.equal(parseWebviewMessage({ type: 'image', id: -1, png }, 0), undefined);
  assert.equal(parseWebviewMessage({ type: 'image', id: 3, png, path: '/etc/passwd' }, 0), undefined);
});

test("explore (the Explore hint's button) is exactly its type; exploreHint carries its text", () => {
  assert.deepEqual(parseWebviewMessage({ type: 'explore' }, 0), { type: 'explore' });
  assert.equal(parseWebviewMessage({ type: 'explore', file: '/etc/passwd' }, 0), undefined);
  assert.equal(isHostMessage({ type: 'exploreHint', text: 'x' }), true);
  assert.equal(isHostMessage({ type: 'exploreHint', text: 1 }), false);
});
