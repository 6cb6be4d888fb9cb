import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../../src/cliTrace';
import { EventTail } from '../../src/run/eventTail';
import { buildModel } from '../../src/trace/buildModel';
import { validateModel } from '../../src/trace/validateModel';
import { unreadableNote } from '../../src/shared/traceModel';

void test('lines the reader cannot read are counted for the user; a torn last line is not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cl-tail-'));
  try {
    const good = '[0,1,7,1,0,"print",{"stream":"stdout","text":"a","line":1}]\n';
    const long = `[1,2,7,1,0,"print",{"stream":"stdout","text":"${'x'.repeat(5 * 1024 * 1024)}","line":1}]\n`;
    await writeFile(join(dir, 'events-7.jsonl'), `${good}{garbage\n${long}[2,3,7,1,0,"pri`);
    await writeFile(join(dir, 'events-8.jsonl'), good.replace(/,7,/, ',8,'));
    const tail = new EventTail(dir);
    await tail.poll(true);
    assert.equal(tail.events, 2);
    assert.equal(tail.skippedLines, 2, 'the garbage line and the over-long one');
    assert.equal(tail.unreadableLines, 3, '... and the torn tail');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the count reaches the CLI summary, survives validation, and reads as a sentence', () => {
  const model = buildModel([], { exitCode: 0 });
  assert.equal(summarize(model, { stdout: '', stderr: '' }).unreadableLines, 0);
  model.stats.unreadableLines = 3;
  assert.equal(summarize(model, { stdout: '', stderr: '' }).unreadableLines, 3);
  assert.ok('model' in validateModel(JSON.parse(JSON.stringify(model))));
  assert.ok(
    'error' in validateModel(JSON.parse(JSON.stringify({ ...model, stats: { ...model.stats, unreadableLines: -1 } }))),
  );
  assert.equal(unreadableNote(1), '1 event line could not be read and was left out of the trace');
  assert.equal(unreadableNote(1200), '1,200 event lines could not be read and were left out of the trace');
});
