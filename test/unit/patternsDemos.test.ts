import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMOS, findDemo } from '../../src/patterns/demos';

const demoDir = join(__dirname, '..', '..', '..', 'media', 'demos');

void test('at least 8 demos with unique ids and files', () => {
  assert.ok(DEMOS.length >= 8);
  assert.equal(new Set(DEMOS.map((d) => d.id)).size, DEMOS.length);
  assert.equal(new Set(DEMOS.map((d) => d.file)).size, DEMOS.length);
});

void test('every listed demo exists and every demo file is listed', () => {
  for (const d of DEMOS) assert.ok(existsSync(join(demoDir, d.file)), d.file);
  const files = readdirSync(demoDir)
    .filter((f) => f.endsWith('.py'))
    .sort();
  assert.deepEqual(files, DEMOS.map((d) => d.file).sort());
});

void test('every demo explains itself and guards its entry point', () => {
  for (const d of DEMOS) {
    const text = readFileSync(join(demoDir, d.file), 'utf8');
    assert.match(text, /^"""[^\n]+\n\n/, `${d.file} opens with a docstring`);
    assert.match(text, /^if __name__ == "__main__":/m, `${d.file} has a main guard`);
    assert.ok(d.title.length > 0 && d.description.length > 0 && !d.description.includes('\n'));
  }
});

void test('only the deadlock demo expects a timeout', () => {
  assert.deepEqual(
    DEMOS.filter((d) => d.expectsTimeout).map((d) => d.id),
    ['deadlock'],
  );
});

void test('findDemo', () => {
  assert.equal(findDemo('race-condition')?.file, 'race_condition.py');
  assert.equal(findDemo('nope'), undefined);
});
