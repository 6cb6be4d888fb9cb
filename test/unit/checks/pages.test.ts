/** Every rule has its page; the page's Wrong example is flagged by that rule and its Right example is clean. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../../src/checks/catalog';
import { found } from './helpers';

const dir = join(__dirname, '..', '..', '..', '..', 'media', 'checks');

void test('one page per rule, and no page without a rule', () => {
  assert.deepEqual(readdirSync(dir).sort(), RULES.map((r) => `${r.code}.md`).sort());
});

for (const rule of RULES) {
  void test(`${rule.code} page: the wrong example is flagged, the right one is clean`, () => {
    const page = readFileSync(join(dir, `${rule.code}.md`), 'utf8');
    assert.match(page, new RegExp(`^# ${rule.code}: `));
    const block = (heading: string): string => {
      const m = new RegExp(`## ${heading}\\n\\n\`\`\`python\\n([\\s\\S]*?)\`\`\``).exec(page);
      assert.ok(m, `${rule.code}.md has a ${heading} python block`);
      return m[1];
    };
    assert.ok(
      found(block('Wrong')).some((f) => f.startsWith(`${rule.code}:`)),
      `${rule.code} flags its wrong example`,
    );
    assert.deepEqual(found(block('Right')), [], `${rule.code}'s right example is clean`);
  });
}
