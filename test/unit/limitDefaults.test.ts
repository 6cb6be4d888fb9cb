import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, USAGE } from '../../src/cliTrace';
import { RUN_LIMITS, clampLimit } from '../../src/run/limits';

const ROOT = join(__dirname, '..', '..', '..');

void test("package.json's run-limit settings have the defaults and ranges of RUN_LIMITS", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, { default?: unknown; minimum?: unknown; maximum?: unknown }> };
    };
  };
  const props = pkg.contributes.configuration.properties;
  for (const [name, limit] of Object.entries(RUN_LIMITS)) {
    const p = props[`concurrencyLab.${name}`];
    assert.ok(p, `package.json has no concurrencyLab.${name}`);
    assert.deepEqual({ default: p.default, min: p.minimum, max: p.maximum }, { ...limit }, `concurrencyLab.${name}`);
  }
});

void test("the tracer's fallbacks (no environment from the engine) are RUN_LIMITS' defaults", () => {
  const init = readFileSync(join(ROOT, 'src', 'tracer', 'concurrency_lab_tracer', '__init__.py'), 'utf8');
  const fallback = (name: string): number => Number((init.match(new RegExp(`^${name} = (\\d+)$`, 'm')) ?? [])[1]);
  assert.equal(fallback('DEFAULT_CALL_BUDGET'), RUN_LIMITS.callBudget.default);
  assert.equal(fallback('DEFAULT_EVENT_CAP'), RUN_LIMITS.eventCap.default);
});

void test("the CLI's defaults and its help are RUN_LIMITS' defaults", () => {
  const args = parseArgs(['trace', 'a.py']);
  assert.ok('file' in args);
  assert.equal(args.timeoutS, RUN_LIMITS.timeoutSeconds.default);
  assert.equal(args.eventCap, RUN_LIMITS.eventCap.default);
  assert.equal(args.callBudget, RUN_LIMITS.callBudget.default);
  assert.equal(args.outputCapMB, RUN_LIMITS.outputCapMB.default, 'the same output cap as the extension (was 64 MB)');
  assert.match(USAGE, new RegExp(`--timeout S .*\\(default ${RUN_LIMITS.timeoutSeconds.default}\\)`));
  assert.match(USAGE, new RegExp(`--event-cap N .*\\(default ${RUN_LIMITS.eventCap.default},`));
});

void test('a setting outside its range is clamped; one that is not a number falls back to the default', () => {
  assert.equal(clampLimit(RUN_LIMITS.timeoutSeconds, 0), 1);
  assert.equal(clampLimit(RUN_LIMITS.timeoutSeconds, 1e6), 3600);
  assert.equal(clampLimit(RUN_LIMITS.outputCapMB, '5'), 10);
  assert.equal(clampLimit(RUN_LIMITS.eventCap, NaN), 200_000);
});
