import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ALL_EVENT_KINDS } from '../../src/shared/eventKinds';
import { FAMILIES } from '../../src/trace/build/families';
import { BuildState } from '../../src/trace/build/state';

void test('each event kind has its handler in exactly one family', () => {
  const owner = new Map<string, string>();
  for (const [name, family] of Object.entries(FAMILIES)) {
    for (const kind of Object.keys(family(new BuildState({})).handlers)) {
      assert.equal(owner.get(kind), undefined, `${kind} is handled by both ${owner.get(kind)} and ${name}`);
      owner.set(kind, name);
    }
  }
  assert.deepEqual([...owner.keys()].sort(), [...ALL_EVENT_KINDS].sort());
});
