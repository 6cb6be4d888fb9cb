// Snapshots of buildModel over every recorded stream in test/fixtures/traces: any change to the model
// the builder makes shows up as a diff of test/fixtures/snapshots/<trace>.model.json to review.
// After an intended change: UPDATE_SNAPSHOTS=1 node scripts/test-unit.mjs out/test/unit/buildModel.snapshot.test.js
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildModel, type BuildOptions } from '../../src/trace/buildModel';
import { EventFileReader } from '../../src/trace/readEvents';
import { mergeStreams } from '../../src/trace/merge';
import type { TraceModel } from '../../src/shared/traceModel';
import { decodeTraceColumns } from '../../src/shared/traceColumns';
import { traceMessage } from '../../src/timeline/traceMessage';

const ROOT = join(__dirname, '..', '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const SNAPSHOTS = join(ROOT, 'test', 'fixtures', 'snapshots');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

async function modelOf(dir: string): Promise<TraceModel> {
  const streams = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort()) {
    const r = new EventFileReader(join(dir, f));
    await r.poll(true);
    streams.push(r.events);
  }
  const optionsFile = join(dir, 'build-options.json');
  const opts = existsSync(optionsFile)
    ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as BuildOptions)
    : { title: `${basename(dir)}.py`, exitCode: 0 };
  return buildModel(mergeStreams(streams), opts);
}

const traces = readdirSync(TRACES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

void test('there are recorded traces to snapshot', () => {
  assert.ok(traces.length >= 5, `only ${traces.length} traces in ${TRACES}`);
});

for (const name of traces) {
  void test(`the model of trace "${name}" travels to the timeline in the columnar encoding, unchanged`, async () => {
    const model = await modelOf(join(TRACES, name));
    const warnings: string[] = [];
    const message = traceMessage(model, false, (t) => warnings.push(t));
    assert.deepEqual(warnings, [], 'no fallback to JSON');
    assert.ok(message.type === 'traceColumns');
    assert.deepEqual(decodeTraceColumns(message.head, message.data), model);
  });

  void test(`the model of trace "${name}" matches its snapshot`, async () => {
    const model = await modelOf(join(TRACES, name));
    const text = `${JSON.stringify(model, null, 1)}\n`;
    const file = join(SNAPSHOTS, `${name}.model.json`);
    if (UPDATE || !existsSync(file)) {
      assert.ok(UPDATE, `no snapshot ${file}: run with UPDATE_SNAPSHOTS=1 to write it, then review it`);
      mkdirSync(SNAPSHOTS, { recursive: true });
      writeFileSync(file, text);
      return;
    }
    // Compared as text: key order and the difference between a missing and an undefined field count too.
    assert.equal(
      text,
      readFileSync(file, 'utf8'),
      `${name}: the model differs from ${file} (UPDATE_SNAPSHOTS=1 rewrites it)`,
    );
  });
}
