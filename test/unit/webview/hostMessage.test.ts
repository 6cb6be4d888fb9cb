import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isHostMessage } from '../../../src/shared/protocol';

test("'traceJson' carries the model as text and a live flag", () => {
  assert.equal(isHostMessage({ type: 'traceJson', json: '{}', live: false }), true);
  assert.equal(isHostMessage({ type: 'traceJson', json: {}, live: false }), false);
  assert.equal(isHostMessage({ type: 'traceJson', json: '{}' }), false);
});

test("'traceColumns' carries a head string, an ArrayBuffer (columns and texts) and a live flag, nothing else", () => {
  const ok = { type: 'traceColumns', head: '{}', data: new ArrayBuffer(8), live: false };
  assert.equal(isHostMessage(ok), true);
  assert.equal(isHostMessage({ ...ok, data: new Uint8Array(8) }), false);
  assert.equal(isHostMessage({ ...ok, data: [1, 2] }), false);
  assert.equal(isHostMessage({ ...ok, head: {} }), false);
  assert.equal(isHostMessage({ ...ok, text: '' }), false);
  assert.equal(isHostMessage({ ...ok, live: 'no' }), false);
  assert.equal(isHostMessage({ ...ok, extra: 1 }), false);
});

test("the model arrives only as 'traceJson' or 'traceColumns': a bare object message is not a host message", () => {
  assert.equal(isHostMessage({ type: 'trace', model: {}, live: false }), false);
});
