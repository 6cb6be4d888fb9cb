import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseRenderArgs } from '../../src/render/renderCommand';

void test('render --theme takes the high-contrast themes as well as dark and light', () => {
  for (const theme of ['dark', 'light', 'hc-dark', 'hc-light']) {
    const r = parseRenderArgs(['m.json', '--png', 'o.png', '--theme', theme]);
    assert.ok(!('error' in r), JSON.stringify(r));
    assert.equal(r.theme, theme);
  }
  const bad = parseRenderArgs(['m.json', '--png', 'o.png', '--theme', 'hc']);
  assert.ok('error' in bad && bad.error.includes('hc-dark'), JSON.stringify(bad));
});
