// Compare's side names (src/shared/compareSides.ts): made by the host, split by the Timeline's label column.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { scheduleName } from '../../src/explore/compareReplays';
import type { RunFailure } from '../../src/explore/types';
import { sideName, splitSideName } from '../../src/shared/compareSides';

const FAILURE: RunFailure = { kind: 'exception', message: 'AssertionError: lost updates' };

test('a side name splits back into its letter lead and the schedule', () => {
  const name = scheduleName({ seed: 1000000001, failure: FAILURE }, 'B');
  assert.equal(name, 'B · seed 1000000001 (failing)');
  assert.deepEqual(splitSideName(name), { lead: 'B · ', rest: 'seed 1000000001 (failing)', outcome: '(failing)' });
  assert.deepEqual(splitSideName(sideName('A', 'x')), { lead: 'A · ', rest: 'x', outcome: '' });
});

test('other names are not side names', () => {
  for (const name of ['MainProcess', 'C · seed 1', 'A ·', 'A· seed 1', 'SpawnProcess-1', 'A · '])
    assert.equal(splitSideName(name), undefined, name);
});
