import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  COLUMNS_MAGIC,
  columnsOfModel,
  decodeTraceColumns,
  decodeTraceColumnsDeferred,
  encodeTraceColumns,
  type TraceColumns,
} from '../../src/shared/traceColumns';
import type { TraceModel } from '../../src/shared/traceModel';
import { demoModel, HOSTILE, synthModel } from '../webview/models';

/** What the model looks like after a JSON round trip: the reference the columns must reproduce. */
const viaJson = (m: TraceModel): unknown => JSON.parse(JSON.stringify(m));

function encoded(m: TraceModel = demoModel({ error: true })): TraceColumns {
  return encodeTraceColumns(m);
}

/** A copy of the payload's buffer with `edit` applied to its Int32 / Float64 views. */
function patched(c: TraceColumns, edit: (i32: Int32Array, f64: Float64Array) => void): TraceColumns {
  const data = c.data.slice(0);
  edit(new Int32Array(data), new Float64Array(data, 0, Math.floor(data.byteLength / 8)));
  return { ...c, data };
}

const HEADER = 16;

/** Index of the Int32 holding column `col`, row `row` of the first (spans) table. */
function spanInt(c: TraceColumns, col: number, row: number): number {
  const h = new Int32Array(c.data, 0, HEADER);
  const counts = [h[2], h[3], h[4], h[5], h[6]];
  const f64n = counts[0] * 3 + counts[1] * 3 + counts[2] * 2 + counts[3] + counts[4];
  return HEADER + f64n * 2 + col * counts[0] + row;
}

test('columns round-trip the demo models exactly (hostile text stays text, details, waits, errors)', () => {
  for (const m of [demoModel(), demoModel({ hostile: true, error: true }), demoModel({ until: 300 })]) {
    const c = encodeTraceColumns(m);
    assert.ok(c.data instanceof ArrayBuffer);
    assert.deepEqual(viaJson(decodeTraceColumns(c.head, c.data)), viaJson(m));
  }
  const hostile = decodeTraceColumns(
    ...(Object.values(encodeTraceColumns(demoModel({ hostile: true }))) as [string, ArrayBuffer]),
  );
  assert.ok(hostile.output.some((o) => o.text === HOSTILE.print));
});

test('columns round-trip a large synthetic model; a marker without waitEnd has no waitEnd key', () => {
  const m = synthModel(20_000, 3);
  const c = encodeTraceColumns(m);
  const d = decodeTraceColumns(c.head, c.data);
  assert.deepEqual(viaJson(d), viaJson(m));
  const i = m.markers.findIndex((x) => x.waitEnd === undefined);
  assert.ok(i >= 0);
  assert.equal('waitEnd' in d.markers[i], false);
  // Strings are stored once: the text is much smaller than the model's JSON.
  assert.ok(new Int32Array(c.data, 0, HEADER)[8] < JSON.stringify(m).length / 5);
});

test('odd strings survive: empty, unicode, lone surrogates, NUL, quotes, markup, U+FFFD and a leading BOM', () => {
  const m = demoModel();
  const odd = [
    '',
    'naïve ☃ 𝄞',
    '\ud800 lone',
    'nul\u0000byte',
    '"quoted" \\ back',
    '<script>alert(1)</script>',
    'replacement \uFFFD',
    '\uFEFFbom',
  ];
  // The text starts with the first span's name: a byte order mark there is text, not a marker to drop.
  m.spans[0].name = '\uFEFFfirst';
  odd.forEach((t, i) => {
    m.output[i % m.output.length].text = t;
    m.steps[i].text = t;
  });
  m.markers[0].detail = { 'k"ey': odd[3], other: odd[2] };
  const c = encodeTraceColumns(m);
  const d = decodeTraceColumns(c.head, c.data);
  assert.deepEqual(
    d.steps.slice(0, odd.length).map((s) => s.text),
    odd,
  );
  assert.deepEqual(d.markers[0].detail, m.markers[0].detail);
  assert.equal(d.spans[0].name, '\uFEFFfirst');
  // Without a lone surrogate or U+FFFD the text is decoded natively in one go: a leading BOM stays too.
  const plain = demoModel();
  plain.spans[0].name = '\uFEFFfirst';
  const p = encodeTraceColumns(plain);
  assert.deepEqual(viaJson(decodeTraceColumns(p.head, p.data)), viaJson(plain));
});

test('deferred decoding gives drawing columns at once and makes the objects in slices', () => {
  const m = synthModel(5000, 2);
  const c = encodeTraceColumns(m);
  const d = decodeTraceColumnsDeferred(c.head, c.data);
  assert.deepEqual(d.model.lanes, m.lanes);
  for (const k of ['spans', 'markers', 'flows', 'steps', 'output'] as const) assert.equal(d.model[k].length, 0, k);
  const cols = d.columns;
  assert.deepEqual(
    Array.from(cols.spanStart),
    m.spans.map((s) => s.start),
  );
  assert.deepEqual(
    Array.from(cols.spanLane),
    m.spans.map((s) => s.lane),
  );
  assert.deepEqual(
    m.spans.map((_s, i) => cols.spanName(i)),
    m.spans.map((s) => s.name),
  );
  assert.deepEqual(
    Array.from(cols.markerWaitEnd),
    m.markers.map((x) => x.waitEnd ?? NaN),
  );
  assert.deepEqual(
    Array.from(cols.flowToLane),
    m.flows.map((x) => x.toLane),
  );
  // The same columns as a model that arrived as objects.
  const fromObjects = columnsOfModel(m);
  for (const k of [
    'spanDepth',
    'spanEnd',
    'spanCpu',
    'spanOpen',
    'markerLane',
    'markerTs',
    'markerKind',
    'markerSeverity',
    'flowFromLane',
    'flowFromTs',
    'flowToTs',
  ] as const) {
    assert.deepEqual(Array.from(cols[k]), Array.from(fromObjects[k]), k);
  }
  let slices = 1;
  while (!d.work(1000)) slices++;
  assert.ok(
    slices >=
      Math.floor((m.spans.length + m.markers.length + m.flows.length + m.steps.length + m.output.length) / 1000),
    String(slices),
  );
  const steps = d.model.steps;
  d.finish();
  assert.equal(d.model.steps, steps);
  assert.deepEqual(viaJson(d.model), viaJson(m));
});

test('a model arrives table by table: spans are set before steps, never half a table', () => {
  const m = synthModel(3000, 4);
  const c = encodeTraceColumns(m);
  const d = decodeTraceColumnsDeferred(c.head, c.data);
  d.work(m.spans.length);
  assert.equal(d.model.spans.length, m.spans.length);
  assert.equal(d.model.markers.length, 0);
  d.work(m.markers.length - 1);
  assert.equal(d.model.markers.length, 0);
  d.work(1);
  assert.equal(d.model.markers.length, m.markers.length);
  assert.equal(d.model.steps.length, 0);
});

test('values without an exact encoding are refused by the encoder (the panel then sends JSON)', () => {
  const frac = demoModel();
  frac.spans[0].line = 1.5;
  assert.throws(() => encodeTraceColumns(frac), /integer/);
  const inf = demoModel();
  inf.spans[0].end = Infinity;
  assert.throws(() => encodeTraceColumns(inf), /non-finite/);
  const kind = demoModel();
  (kind.markers[0] as { kind: string }).kind = 'teleport';
  assert.throws(() => encodeTraceColumns(kind), /marker kind/);
  const big = demoModel();
  big.steps[0].order = 2 ** 40;
  assert.throws(() => encodeTraceColumns(big), /integer/);
});

test('malformed payloads are rejected, never half-decoded', () => {
  const c = encoded();
  const bad = (x: Partial<Record<keyof TraceColumns, unknown>>): unknown => ({ ...c, ...x });
  const cases: [string, unknown][] = [
    ['head not a string', bad({ head: {} })],
    ['data a typed array, not an ArrayBuffer', bad({ data: new Uint8Array(c.data) })],
    ['data too short', bad({ data: new ArrayBuffer(8) })],
    ['truncated buffer', bad({ data: c.data.slice(0, c.data.byteLength - 4) })],
    [
      'extra bytes',
      bad({
        data: (() => {
          const b = new Uint8Array(c.data.byteLength + 8);
          b.set(new Uint8Array(c.data));
          return b.buffer;
        })(),
      }),
    ],
    [
      'wrong magic',
      patched(c, (i) => {
        i[0] = COLUMNS_MAGIC + 1;
      }),
    ],
    [
      'wrong version',
      patched(c, (i) => {
        i[1] = 99;
      }),
    ],
    [
      'negative count',
      patched(c, (i) => {
        i[4] = -1;
      }),
    ],
    [
      'text longer than the buffer holds',
      patched(c, (i) => {
        i[8] += 2;
      }),
    ],
    [
      'negative text length',
      patched(c, (i) => {
        i[8] = -1;
      }),
    ],
    ['head not JSON', bad({ head: '{"title": ' })],
    ['head without lanes', bad({ head: JSON.stringify({ ...(JSON.parse(c.head) as object), lanes: 3 }) })],
    ['head with a bad title', bad({ head: JSON.stringify({ ...(JSON.parse(c.head) as object), title: null }) })],
    [
      'span lane out of range',
      patched(c, (i) => {
        i[spanInt(c, 0, 0)] = 999;
      }),
    ],
    [
      'negative span lane',
      patched(c, (i) => {
        i[spanInt(c, 0, 1)] = -1;
      }),
    ],
    [
      'span name string out of range',
      patched(c, (i) => {
        i[spanInt(c, 2, 0)] = 1e6;
      }),
    ],
    [
      'open flag not 0/1',
      patched(c, (i) => {
        i[spanInt(c, 7, 0)] = 2;
      }),
    ],
    [
      'NaN span start',
      patched(c, (_i, f) => {
        f[HEADER / 2] = NaN;
      }),
    ],
    [
      'infinite span start',
      patched(c, (_i, f) => {
        f[HEADER / 2] = -Infinity;
      }),
    ],
    [
      // waitEnd may be NaN ("none") but never infinite.
      'infinite marker waitEnd',
      patched(c, (i, f) => {
        f[HEADER / 2 + i[2] * 3 + i[3]] = Infinity;
      }),
    ],
  ];
  for (const [why, p] of cases) {
    const x = p as TraceColumns;
    assert.throws(() => decodeTraceColumns(x.head, x.data), /malformed trace columns/, why);
    assert.throws(() => decodeTraceColumnsDeferred(x.head, x.data), /malformed trace columns/, why);
  }
});

test('bad enum codes, step references, string offsets and marker details are rejected', () => {
  const m = demoModel();
  const c = encodeTraceColumns(m);
  const h = new Int32Array(c.data, 0, HEADER);
  const [ns, nm, nf, nst, no] = [h[2], h[3], h[4], h[5], h[6]];
  const nStrings = h[7];
  const f64n = ns * 3 + nm * 3 + nf * 2 + nst + no;
  const ints = HEADER + f64n * 2;
  const markersAt = ints + ns * 8;
  const flowsAt = markersAt + nm * 8;
  const stepsAt = flowsAt + nf * 5;
  const outputAt = stepsAt + nst * 7;
  const endsAt = outputAt + no * 4;
  const cases: [string, (i: Int32Array) => void][] = [
    [
      'marker kind',
      (i) => {
        i[markersAt + 2 * nm] = 200;
      },
    ],
    [
      'severity',
      (i) => {
        i[markersAt + 6 * nm] = 3;
      },
    ],
    [
      'flow kind',
      (i) => {
        i[flowsAt] = -1;
      },
    ],
    [
      'flow lane',
      (i) => {
        i[flowsAt + 3 * nf] = 99;
      },
    ],
    [
      'step ref type',
      (i) => {
        i[stepsAt + 2 * nst] = 2;
      },
    ],
    [
      'step ref index',
      (i) => {
        i[stepsAt + 3 * nst] = ns + nm;
      },
    ],
    [
      'stream',
      (i) => {
        i[outputAt + 2 * no] = 5;
      },
    ],
    [
      'string ends out of order',
      (i) => {
        i[endsAt] = i[endsAt + 1] + 1;
      },
    ],
    [
      'last string end short of the text',
      (i) => {
        i[endsAt + nStrings - 1] -= 1;
      },
    ],
  ];
  for (const [why, edit] of cases) {
    const p = patched(c, edit);
    assert.throws(() => decodeTraceColumns(p.head, p.data), /malformed trace columns/, why);
  }
  // A marker detail that is not a string record.
  const detailOf = (d: unknown): TraceColumns => {
    const mm = demoModel();
    (mm.markers[0] as { detail: unknown }).detail = d;
    return encodeTraceColumns(mm);
  };
  for (const d of [{ n: 1 }, ['x'], 'text', null]) {
    const p = detailOf(d);
    assert.throws(
      () => decodeTraceColumns(p.head, p.data),
      /malformed trace columns: marker detail/,
      JSON.stringify(d),
    );
  }
});
