import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isHostMessage } from '../../../src/shared/protocol';

test("'traceJson' carries the model as text and a live flag", () => {
  assert.equal(isHostMessage({ type: 'traceJson', json: '{}', live: false }), true);
  assert.equal(isHostMessage({ type: 'traceJson', json: {}, live: false }), false);
  assert.equal(isHostMessage({ type: 'traceJson', json: '{}' }), false);
});
