// "Python 3.8 or newer" has one home, MIN_PYTHON: what users read says the same.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_PYTHON_TEXT } from '../../src/run/interpreterPolicy';

const root = join(__dirname, '..', '..', '..');

for (const file of ['package.json', 'README.md', 'media/walkthrough/5-choose-python.md']) {
  void test(`${file} names the minimum Python that MIN_PYTHON says`, () => {
    const text = readFileSync(join(root, file), 'utf8');
    const named = [...text.matchAll(/Python (\d+\.\d+) or newer/g)].map((m) => m[1]);
    assert.ok(named.length > 0, `${file} names a minimum Python`);
    assert.deepEqual([...new Set(named)], [MIN_PYTHON_TEXT]);
  });
}
