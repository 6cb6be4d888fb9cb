import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ALL_EVENT_KINDS, EVENT_KINDS, MARKER_KINDS, isEventKind, isMarkerKind } from '../../src/shared/eventKinds';
import { decodeTraceColumns, encodeTraceColumns } from '../../src/shared/traceColumns';
import { buildModel } from '../../src/trace/buildModel';
import { RawStream } from './rawStream';

/** A model from one event of `kind` (object data, as most kinds carry) after a process and a code appear. */
function modelOfOne(kind: (typeof ALL_EVENT_KINDS)[number]) {
  const s = new RawStream(10)
    .ev(1, 0, 'proc_begin', { ppid: 1, name: 'MainProcess', parent_obj: null, origin: 'main', internal: false })
    .ev(1, 0, 'code', { id: 1, name: 'f', qualname: 'f', file: '/p/a.py', line: 1 });
  const before = s.events.length;
  s.ev(1, 0, kind, {
    obj: 1,
    name: 'x',
    prim: 'Lock',
    target: 1,
    stream: 'stdout',
    text: 'hi',
    what: 'calls',
    code: 1,
    id: 1,
  });
  // A shared access is a marker when a race names it (and only then: test/unit/races.test.ts).
  if (kind === 'shared_access')
    s.ev(2, 0, 'shared_access', { id: 2, line: 3, kind: 'write' }).ev(2, 0, 'race', {
      target: 'x',
      first: { id: 1, lane: 'MainThread', line: 0, kind: 'read' },
      second: { id: 2, lane: 'Thread-1', line: 3, kind: 'write' },
    });
  return { model: buildModel(s.events), index: before };
}

void test('the marker kinds are the kinds declared as markers, in declaration order', () => {
  assert.deepEqual(
    MARKER_KINDS,
    Object.keys(EVENT_KINDS).filter((k) => EVENT_KINDS[k as keyof typeof EVENT_KINDS] === 'marker'),
  );
  assert.equal(new Set(ALL_EVENT_KINDS).size, ALL_EVENT_KINDS.length);
  assert.ok(MARKER_KINDS.every(isMarkerKind) && ALL_EVENT_KINDS.every(isEventKind));
  assert.equal(isEventKind('nonsense'), false);
  assert.equal(isMarkerKind('call'), false);
});

void test('every marker kind becomes a marker of that kind, and travels through the columnar encoding', () => {
  for (const kind of MARKER_KINDS) {
    const { model } = modelOfOne(kind);
    const kinds = model.markers.map((m) => m.kind);
    assert.ok(kinds.includes(kind), `${kind}: markers are ${kinds.join(', ')}`);
    assert.ok(
      model.markers.every((m) => m.label.length > 0),
      `${kind} has a label`,
    );
    assert.deepEqual(
      decodeTraceColumns(...(Object.values(encodeTraceColumns(model)) as [string, ArrayBuffer])),
      model,
      kind,
    );
  }
});

void test('a kind declared as shaping the model makes no marker of its own', () => {
  for (const kind of ALL_EVENT_KINDS.filter((k) => !isMarkerKind(k))) {
    const { model } = modelOfOne(kind);
    assert.deepEqual(
      model.markers.map((m) => m.kind),
      ['proc_begin'],
      kind,
    );
  }
});
