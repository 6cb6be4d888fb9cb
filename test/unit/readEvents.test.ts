import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventFileReader, parseLines, toRawEvent } from '../../src/trace/readEvents';
import type { RawEvent } from '../../src/trace/schema';

const fixture = (name: string): string =>
  join(__dirname, '..', '..', '..', 'test', 'fixtures', 'traces', 'two-processes', name);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cl-read-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('toRawEvent accepts exactly the schema shape', () => {
  assert.ok(toRawEvent([0, 1, 2, 1, 0, 'print', { text: 'x' }]));
  assert.equal(toRawEvent([0, 1, 2, 1, 0, 'nonsense', {}]), undefined);
  assert.equal(toRawEvent([0, 1, 2, 1, 0, 'print']), undefined);
  assert.equal(toRawEvent(['0', 1, 2, 1, 0, 'print', {}]), undefined);
  assert.equal(toRawEvent([0, 1.5, 2, 1.5, 0, 'print', {}]), undefined);
  assert.equal(toRawEvent({ 0: 0 }), undefined);
  assert.equal(toRawEvent(null), undefined);
});

void test('parseLines counts garbage and skips blank lines', () => {
  const out: RawEvent[] = [];
  const bad = parseLines('[0,1,2,1,0,"print",{}]\n\n{not json\n[1,2,2,1,0,"sleep",{"secs":1}]\n[1,2]\n', out);
  assert.equal(out.length, 2);
  assert.equal(bad, 2);
});

void test('the fixture files read with the torn last line skipped and the garbage line counted', async () => {
  const parent = new EventFileReader(fixture('events-100.jsonl'));
  await parent.poll(true);
  assert.equal(parent.events.length, 26);
  assert.equal(parent.bad, 1);
  assert.equal(parent.torn, 0);
  const child = new EventFileReader(fixture('events-200.jsonl'));
  await child.poll(true);
  assert.equal(child.events.length, 7);
  assert.equal(child.torn, 1);
  assert.deepEqual(
    child.events.map((e) => e[0]),
    [0, 1, 2, 3, 4, 5, 6],
  );
});

void test('incremental polling waits for a line to be complete before parsing it', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'events-1.jsonl');
    await writeFile(f, '[0,1,1,1,0,"print",{"text":"h');
    const r = new EventFileReader(f);
    assert.equal(await r.poll(), 0);
    await appendFile(f, 'é€"}]\n[1,2,1,1,0,"sle');
    assert.equal(await r.poll(), 1);
    assert.equal((r.events[0][6] as { text: string }).text, 'hé€');
    await appendFile(f, 'ep",{"secs":0.1}]\n');
    assert.equal(await r.poll(), 1);
    assert.equal(r.bad, 0);
    assert.equal(await r.poll(true), 0);
    assert.equal(r.torn, 0);
  });
});

void test('a multibyte character split across reads decodes intact', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'events-1.jsonl');
    const line = Buffer.from('[0,1,1,1,0,"print",{"text":"ü🙂"}]\n', 'utf8');
    const cut = line.indexOf(Buffer.from('🙂')) + 2;
    await writeFile(f, line.subarray(0, cut));
    const r = new EventFileReader(f);
    await r.poll();
    await appendFile(f, line.subarray(cut));
    await r.poll(true);
    assert.equal((r.events[0][6] as { text: string }).text, 'ü🙂');
  });
});

void test('a missing file reads as empty, and a huge line is dropped without keeping it in memory', async () => {
  await withDir(async (dir) => {
    const missing = new EventFileReader(join(dir, 'nope.jsonl'));
    assert.equal(await missing.poll(true), 0);
    const f = join(dir, 'events-1.jsonl');
    await writeFile(
      f,
      `[0,1,1,1,0,"print",{"text":"${'x'.repeat(5 * 1024 * 1024)}"}]\n[1,2,1,1,0,"sleep",{"secs":1}]\n`,
    );
    const r = new EventFileReader(f);
    await r.poll(true);
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0][5], 'sleep');
    assert.equal(r.bad, 1);
  });
});

void test('many lines spanning several read chunks all arrive', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'events-1.jsonl');
    const n = 60_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify([i, i * 10, 1, 1, 0, 'print', { text: `line ${i}` }]));
    await writeFile(f, lines.join('\n') + '\n');
    const r = new EventFileReader(f);
    await r.poll(true);
    assert.equal(r.events.length, n);
    assert.ok(r.events.every((e, i) => e[0] === i));
  });
});

void test('a file past the byte limit is not read further', async () => {
  await withDir(async (dir) => {
    const f = join(dir, 'events-1.jsonl');
    const line = '[0,1,1,1,0,"sleep",{"secs":1}]\n';
    await writeFile(f, line.repeat(100));
    const r = new EventFileReader(f, line.length * 10);
    await r.poll(true);
    assert.equal(r.events.length, 10);
    assert.equal(r.oversize, true);
  });
});
