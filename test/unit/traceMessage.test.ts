import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildModel } from '../../src/trace/buildModel';
import { traceMessage } from '../../src/timeline/traceMessage';
import { asyncioStream } from './sampleStreams';

void test('a model goes to the timeline in the columnar encoding, without a warning', () => {
  const warnings: string[] = [];
  const m = traceMessage(buildModel(asyncioStream().events, { title: 'a.py' }), true, (t) => warnings.push(t));
  assert.equal(m.type, 'traceColumns');
  assert.deepEqual(warnings, []);
});

void test('a model the columnar encoding cannot hold goes as JSON text, and says why', () => {
  const model = buildModel(asyncioStream().events, { title: 'a.py' });
  model.spans[0].line = 1.5;
  const warnings: string[] = [];
  const m = traceMessage(model, false, (t) => warnings.push(t));
  assert.equal(m.type, 'traceJson');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /"a\.py" as JSON text.*cannot encode 1\.5 as an integer/);
});
