import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore } from '../../src/shared/disposable';

function tracked(log: string[], name: string): { dispose(): void } {
  return { dispose: () => log.push(name) };
}

class Owner extends Disposable {
  own<T extends { dispose(): unknown }>(item: T): T {
    return this.register(item);
  }
}

test('register returns the item; dispose ends each registered item once, in the order registered', () => {
  const log: string[] = [];
  const owner = new Owner();
  const a = tracked(log, 'a');
  assert.equal(owner.own(a), a);
  owner.own(tracked(log, 'b'));
  assert.deepEqual(log, []);
  owner.dispose();
  owner.dispose();
  assert.deepEqual(log, ['a', 'b']);
});

test('an item registered after dispose (an async subscription arriving late) is disposed at once', () => {
  const log: string[] = [];
  const owner = new Owner();
  owner.dispose();
  owner.own(tracked(log, 'late'));
  assert.deepEqual(log, ['late']);
});

test('a store cleared (a closed panel) ends its items and takes new ones; disposed, it takes none', () => {
  const log: string[] = [];
  const store = new DisposableStore();
  store.add(tracked(log, 'first panel'));
  store.clear();
  assert.deepEqual(log, ['first panel']);
  store.add(tracked(log, 'second panel'));
  assert.deepEqual(log, ['first panel']);
  store.dispose();
  assert.deepEqual(log, ['first panel', 'second panel']);
  store.add(tracked(log, 'after'));
  assert.deepEqual(log, ['first panel', 'second panel', 'after']);
});
