/**
 * Precision: the extension's own snippets (placeholders expanded to their defaults), its demos and
 * idiomatic programs in the style of the Python docs' concurrency examples get no findings, except
 * the pitfall samples where the finding is the lesson (listed exactly).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandDefaults } from '../../../src/patterns/snippetSyntax';
import { found } from './helpers';

const root = join(__dirname, '..', '..', '..', '..');

/** Where a finding is the point of the sample. */
const LESSONS: Record<string, string[]> = {
  'snippet async-blocking': ['CL101:12'],
  'demo asyncio_blocking.py': ['CL101:33'],
  // The deadlock demo takes each lock with a bare acquire() and never releases it, on purpose.
  'demo deadlock.py': ['CL202:32'],
  // The race demo's unlocked worker (its threads are made in a helper that is passed the worker).
  'demo race_condition.py': ['CL205:43'],
  // The race snippet reads the counter into a local and writes it back, unlocked: the race it teaches.
  'snippet race-condition': ['CL205:13'],
};

function samples(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'python.code-snippets'), 'utf8')) as Record<
    string,
    { prefix: string; body: string[] }
  >;
  for (const s of Object.values(snippets)) out.push([`snippet ${s.prefix}`, expandDefaults(s.body.join('\n'))]);
  for (const dir of [join(root, 'media', 'demos'), join(root, 'test', 'fixtures', 'checks', 'idioms')]) {
    const kind = dir.endsWith('demos') ? 'demo' : 'idiom';
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.py'))
      .sort())
      out.push([`${kind} ${f}`, readFileSync(join(dir, f), 'utf8')]);
  }
  return out;
}

void test('snippets, demos and idiomatic programs: findings only where they are the lesson', () => {
  const all = samples();
  assert.ok(all.filter(([n]) => n.startsWith('snippet')).length >= 40);
  assert.ok(all.filter(([n]) => n.startsWith('demo')).length >= 9);
  assert.ok(all.filter(([n]) => n.startsWith('idiom')).length >= 6);
  const got: Record<string, string[]> = {};
  for (const [name, text] of all) {
    const f = found(text);
    if (f.length) got[name] = f;
  }
  assert.deepEqual(got, LESSONS);
});
