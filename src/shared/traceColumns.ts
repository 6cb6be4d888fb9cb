/**
 * A compact, columnar transfer encoding of a TraceModel for the host → webview hop ('traceColumns').
 *
 * JSON.parse of a 100k-event model (~31 MB of text, mostly long decimal numbers) alone costs more than
 * the whole first-paint budget. Here numbers travel as binary columns in one ArrayBuffer, every string
 * once in one text in the same buffer (UTF-16 code units, cut at `ends` offsets), and the small rest of
 * the model (title, lanes, sources, stats, error…) as a short JSON `head`. Only the buffer is big, and
 * VS Code moves a message's ArrayBuffers as bytes (since 1.57; its webview frame hands them on as
 * transferables), while strings are JSON-escaped by the extension host, parsed by the window and
 * copied into each frame. Decoding validates everything (counts, offsets, enum codes, references,
 * finite numbers) and throws on anything malformed; strings stay strings (the webview renders them as
 * text only).
 *
 * Buffer layout (little-endian, the platform order of typed arrays on every VS Code platform):
 *   Int32 header[HEADER_INTS] | Float64 columns | Int32 columns | Int32 string ends[strings] |
 *   Uint16 text[text length], padded to a multiple of 4 bytes
 * Each table is stored column by column (all span starts, then all span ends, …).
 * Pure: imports neither vscode nor the DOM.
 */
import { MARKER_KINDS } from './eventKinds';
import {
  FLOW_KINDS,
  OUTPUT_STREAMS as STREAMS,
  SEVERITIES,
  type Flow,
  type Marker,
  type OutputLine,
  type Span,
  type Step,
  type TraceModel,
} from './traceModel';

export const COLUMNS_MAGIC = 0x544c4350; // "PCLT"
export const COLUMNS_VERSION = 3;
const HEADER_INTS = 16;

export interface TraceColumns {
  /** JSON of the model without its five big arrays. */
  head: string;
  /** The columns, and every distinct string of the big arrays (see the layout above). */
  data: ArrayBuffer;
}

/** Bytes taken by a text of `units` UTF-16 code units at the end of the buffer (whole Int32s). */
const textBytes = (units: number): number => Math.ceil(units / 2) * 4;

const REF_TYPES: readonly Step['ref']['type'][] = ['span', 'marker'];

/** Float64 and Int32 columns per row of each table. */
const F64 = { spans: 3, markers: 3, flows: 2, steps: 1, output: 1 } as const;
const I32 = { spans: 8, markers: 8, flows: 5, steps: 7, output: 4 } as const;
type Table = keyof typeof F64;
const TABLES: readonly Table[] = ['spans', 'markers', 'flows', 'steps', 'output'];

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

function code<T>(list: readonly T[], v: T, what: string): number {
  const i = list.indexOf(v);
  if (i < 0) throw new Error(`cannot encode ${what} ${String(v)}`);
  return i;
}

/** Encodes a model. Throws when a value has no exact encoding (the caller then falls back to JSON). */
export function encodeTraceColumns(model: TraceModel): TraceColumns {
  const counts: Record<Table, number> = {
    spans: model.spans.length,
    markers: model.markers.length,
    flows: model.flows.length,
    steps: model.steps.length,
    output: model.output.length,
  };
  let f64n = 0;
  let i32n = 0;
  for (const t of TABLES) {
    f64n += F64[t] * counts[t];
    i32n += I32[t] * counts[t];
  }
  const strings = new Map<string, number>();
  const parts: string[] = [];
  const str = (s: unknown): number => {
    if (typeof s !== 'string') throw new Error('cannot encode a non-string text field');
    let id = strings.get(s);
    if (id === undefined) {
      id = parts.length;
      strings.set(s, id);
      parts.push(s);
    }
    return id;
  };
  const f = new Float64Array(f64n);
  const n = new Int32Array(i32n);
  let fo = 0;
  let io = 0;
  // Writes one table: `fl` Float64 and `il` Int32 columns filled by `row`.
  // Only a marker's waitEnd and readyAt (columns 1 and 2: from `nanFrom` on) may be NaN, meaning "none"; JSON could
  // not carry other non-finite numbers.
  const table = <T>(
    rows: readonly T[],
    fl: number,
    il: number,
    row: (r: T, fv: number[], iv: number[]) => void,
    nanFrom = Infinity,
  ): void => {
    const len = rows.length;
    const fv: number[] = new Array<number>(fl);
    const iv: number[] = new Array<number>(il);
    for (let i = 0; i < len; i++) {
      row(rows[i], fv, iv);
      for (let c = 0; c < fl; c++) {
        if (!Number.isFinite(fv[c]) && !(c >= nanFrom && Number.isNaN(fv[c])))
          throw new Error('cannot encode a non-finite number');
        f[fo + c * len + i] = fv[c];
      }
      for (let c = 0; c < il; c++) {
        const v = iv[c];
        if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX)
          throw new Error(`cannot encode ${String(v)} as an integer`);
        n[io + c * len + i] = v;
      }
    }
    fo += fl * len;
    io += il * len;
  };
  table(model.spans, F64.spans, I32.spans, (s, fv, iv) => {
    fv[0] = s.start;
    fv[1] = s.end;
    fv[2] = s.cpu;
    iv[0] = s.lane;
    iv[1] = s.order;
    iv[2] = str(s.name);
    iv[3] = str(s.qualname);
    iv[4] = s.source;
    iv[5] = s.line;
    iv[6] = s.depth;
    iv[7] = s.open ? 1 : 0;
  });
  table(
    model.markers,
    F64.markers,
    I32.markers,
    (m, fv, iv) => {
      fv[0] = m.ts;
      fv[1] = m.waitEnd === undefined ? NaN : m.waitEnd;
      fv[2] = m.readyAt === undefined ? NaN : m.readyAt;
      iv[0] = m.lane;
      iv[1] = m.order;
      iv[2] = code(MARKER_KINDS, m.kind, 'marker kind');
      iv[3] = str(m.label);
      iv[4] = m.source;
      iv[5] = m.line;
      iv[6] = code(SEVERITIES, m.severity, 'severity');
      iv[7] = str(JSON.stringify(m.detail));
    },
    1,
  );
  table(model.flows, F64.flows, I32.flows, (x, fv, iv) => {
    fv[0] = x.fromTs;
    fv[1] = x.toTs;
    iv[0] = code(FLOW_KINDS, x.kind, 'flow kind');
    iv[1] = x.fromLane;
    iv[2] = x.fromOrder;
    iv[3] = x.toLane;
    iv[4] = x.toOrder;
  });
  table(model.steps, F64.steps, I32.steps, (st, fv, iv) => {
    fv[0] = st.ts;
    iv[0] = st.order;
    iv[1] = st.lane;
    iv[2] = code(REF_TYPES, st.ref.type, 'step ref');
    iv[3] = st.ref.index;
    iv[4] = str(st.text);
    iv[5] = st.source;
    iv[6] = st.line;
  });
  table(model.output, F64.output, I32.output, (o, fv, iv) => {
    fv[0] = o.ts;
    iv[0] = o.order;
    iv[1] = o.lane;
    iv[2] = code(STREAMS, o.stream, 'stream');
    iv[3] = str(o.text);
  });
  let textLen = 0;
  for (const p of parts) textLen += p.length;
  const textAt = HEADER_INTS * 4 + f64n * 8 + (i32n + parts.length) * 4;
  const data = new ArrayBuffer(textAt + textBytes(textLen));
  const header = new Int32Array(data, 0, HEADER_INTS);
  header.set([
    COLUMNS_MAGIC,
    COLUMNS_VERSION,
    counts.spans,
    counts.markers,
    counts.flows,
    counts.steps,
    counts.output,
    parts.length,
    textLen,
  ]);
  new Float64Array(data, HEADER_INTS * 4, f64n).set(f);
  const ints = new Int32Array(data, HEADER_INTS * 4 + f64n * 8, i32n + parts.length);
  ints.set(n);
  const units = new Uint16Array(data, textAt, textLen);
  let end = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    for (let k = 0; k < p.length; k++) units[end + k] = p.charCodeAt(k);
    end += p.length;
    ints[i32n + i] = end;
  }
  const { spans: _s, markers: _m, flows: _f, steps: _st, output: _o, ...rest } = model;
  return { head: JSON.stringify(rest), data };
}

function fail(why: string): never {
  throw new Error(`malformed trace columns: ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
}

type Head = Omit<TraceModel, 'spans' | 'markers' | 'flows' | 'steps' | 'output'>;

function parseHead(head: string): Head {
  let h: unknown;
  try {
    h = JSON.parse(head);
  } catch {
    fail('head is not JSON');
  }
  if (!isRecord(h)) fail('head is not an object');
  const num = (k: string): boolean => typeof h[k] === 'number' && Number.isFinite(h[k]);
  const ok =
    typeof h.version === 'number' &&
    typeof h.title === 'string' &&
    typeof h.python === 'string' &&
    num('t0') &&
    num('duration') &&
    num('lineOffset') &&
    (h.exitCode === null || num('exitCode')) &&
    (h.signal === null || typeof h.signal === 'string') &&
    (h.error === null || isRecord(h.error)) &&
    Array.isArray(h.lanes) &&
    h.lanes.every(isRecord) &&
    Array.isArray(h.sources) &&
    h.sources.every(isRecord) &&
    isRecord(h.stats);
  if (!ok) fail('head does not describe a timeline model');
  return h as unknown as Head;
}

/**
 * What a frame draws, as columns (index = position in model.spans / markers / flows): all the first
 * frame of a model needs. From a payload these are views into its buffer, so they cost nothing to make.
 */
export interface EventColumns {
  spanLane: Int32Array;
  spanDepth: Int32Array;
  spanStart: Float64Array;
  spanEnd: Float64Array;
  spanCpu: Float64Array;
  /** 1 for a span still open when the trace ended. */
  spanOpen: Int32Array;
  spanName(i: number): string;
  markerLane: Int32Array;
  markerTs: Float64Array;
  /** NaN when the marker has no waitEnd. */
  markerWaitEnd: Float64Array;
  /** NaN when the marker has no readyAt. */
  markerReadyAt: Float64Array;
  /** marker.order (the prints' numbers are their ranks by it). */
  markerOrder: Int32Array;
  /** Index into MARKER_KINDS / SEVERITIES. */
  markerKind: Int32Array;
  markerSeverity: Int32Array;
  flowFromLane: Int32Array;
  flowToLane: Int32Array;
  flowFromTs: Float64Array;
  flowToTs: Float64Array;
}

/** The columns of a model that arrived as objects ('traceJson', tests). */
export function columnsOfModel(model: TraceModel): EventColumns {
  const { spans, markers, flows } = model;
  const ns = spans.length;
  const nm = markers.length;
  const nf = flows.length;
  const c: EventColumns = {
    spanLane: new Int32Array(ns),
    spanDepth: new Int32Array(ns),
    spanStart: new Float64Array(ns),
    spanEnd: new Float64Array(ns),
    spanCpu: new Float64Array(ns),
    spanOpen: new Int32Array(ns),
    spanName: (i) => spans[i].name,
    markerLane: new Int32Array(nm),
    markerTs: new Float64Array(nm),
    markerWaitEnd: new Float64Array(nm),
    markerReadyAt: new Float64Array(nm),
    markerOrder: new Int32Array(nm),
    markerKind: new Int32Array(nm),
    markerSeverity: new Int32Array(nm),
    flowFromLane: new Int32Array(nf),
    flowToLane: new Int32Array(nf),
    flowFromTs: new Float64Array(nf),
    flowToTs: new Float64Array(nf),
  };
  for (let i = 0; i < ns; i++) {
    const s = spans[i];
    // A lane outside the model (only a hand-made model can have one) is left out of the index by it.
    c.spanLane[i] = Number.isInteger(s.lane) ? s.lane : -1;
    c.spanDepth[i] = s.depth;
    c.spanStart[i] = s.start;
    c.spanEnd[i] = s.end;
    c.spanCpu[i] = s.cpu;
    c.spanOpen[i] = s.open ? 1 : 0;
  }
  for (let i = 0; i < nm; i++) {
    const m = markers[i];
    c.markerLane[i] = Number.isInteger(m.lane) ? m.lane : -1;
    c.markerTs[i] = m.ts;
    c.markerWaitEnd[i] = m.waitEnd ?? NaN;
    c.markerReadyAt[i] = m.readyAt ?? NaN;
    c.markerOrder[i] = m.order;
    c.markerKind[i] = Math.max(0, MARKER_KINDS.indexOf(m.kind));
    c.markerSeverity[i] = Math.max(0, SEVERITIES.indexOf(m.severity));
  }
  for (let i = 0; i < nf; i++) {
    const x = flows[i];
    c.flowFromLane[i] = x.fromLane;
    c.flowToLane[i] = x.toLane;
    c.flowFromTs[i] = x.fromTs;
    c.flowToTs[i] = x.toTs;
  }
  return c;
}

/** A decoded model whose objects are still to be made (see `decodeTraceColumnsDeferred`). */
export interface DeferredTrace {
  /** Head fields and lanes are in; `spans`, `markers`, `flows`, `steps` and `output` are empty until `finish()`. */
  model: TraceModel;
  /** The events to draw, ready now. */
  columns: EventColumns;
  /**
   * Makes up to `maxRows` more objects; each of model.spans, markers, flows, steps and output is set
   * once all of its rows are made, in that order. True when all are. Cannot fail (everything was
   * validated up front).
   */
  work: (maxRows: number) => boolean;
  /** Makes all the rest (idempotent). */
  finish: () => void;
}

/**
 * Decodes and validates a 'traceColumns' payload back into the exact model that was encoded.
 * Throws (never returns a half-valid model) on any inconsistency.
 */
export function decodeTraceColumns(head: unknown, data: unknown): TraceModel {
  const d = decodeTraceColumnsDeferred(head, data);
  d.finish();
  return d.model;
}

/** A payload's buffer cut into its parts, sizes checked against the header's counts. */
interface Layout {
  counts: Record<Table, number>;
  nStrings: number;
  /** All Float64 columns, and all Int32 columns followed by the string ends. */
  f: Float64Array;
  n: Int32Array;
  /** Where each table's first Float64 / Int32 column starts; row r of column c is at base + c * count + r. */
  base: Record<Table, { f: number; i: number }>;
  /** Index of the first string end in `n`. */
  ends: number;
  /** All strings, concatenated. */
  text: string;
}

const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });

/**
 * The text as the encoder had it. TextDecoder (native, fast) turns each lone surrogate (valid in a JS
 * string, so possible in program output) into one U+FFFD: those code units are put back. A U+FFFD that
 * was in the text stays as it is.
 */
function readText(units: Uint16Array): string {
  const text = utf16.decode(units);
  if (text.length !== units.length) {
    // Not expected of any decoder that follows the Encoding standard; rebuild unit by unit then.
    const chunks: string[] = [];
    for (let i = 0; i < units.length; i += 4096)
      chunks.push(String.fromCharCode(...Array.from(units.subarray(i, i + 4096))));
    return chunks.join('');
  }
  let out = '';
  let from = 0;
  for (let p = text.indexOf('\uFFFD'); p >= 0; p = text.indexOf('\uFFFD', p + 1)) {
    if (units[p] === 0xfffd) continue;
    out += text.slice(from, p) + String.fromCharCode(units[p]);
    from = p + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function readLayout(data: ArrayBuffer): Layout {
  if (data.byteLength < HEADER_INTS * 4 || data.byteLength % 4 !== 0) fail('buffer too short');
  const hd = new Int32Array(data, 0, HEADER_INTS);
  if (hd[0] !== COLUMNS_MAGIC || hd[1] !== COLUMNS_VERSION) fail('unknown magic or version');
  const counts: Record<Table, number> = { spans: hd[2], markers: hd[3], flows: hd[4], steps: hd[5], output: hd[6] };
  const nStrings = hd[7];
  const textLen = hd[8];
  if (textLen < 0) fail('negative text length');
  const base = {} as Record<Table, { f: number; i: number }>;
  let f64n = 0;
  let i32n = 0;
  for (const t of TABLES) {
    if (counts[t] < 0) fail('negative count');
    base[t] = { f: f64n, i: i32n };
    f64n += F64[t] * counts[t];
    i32n += I32[t] * counts[t];
  }
  const textAt = HEADER_INTS * 4 + f64n * 8 + (i32n + nStrings) * 4;
  if (nStrings < 0 || data.byteLength !== textAt + textBytes(textLen)) fail('buffer size does not match its counts');
  const f = new Float64Array(data, HEADER_INTS * 4, f64n);
  const n = new Int32Array(data, HEADER_INTS * 4 + f64n * 8, i32n + nStrings);
  const text = readText(new Uint16Array(data, textAt, textLen));
  return { counts, nStrings, f, n, base, ends: i32n, text };
}

/** String i of the payload is text[ends[i-1], ends[i]), cut on first use; the ends are checked here. */
function stringTable({ text, n, ends, nStrings }: Layout): (i: number) => string {
  let prev = 0;
  for (let i = 0; i < nStrings; i++) {
    const end = n[ends + i];
    if (end < prev || end > text.length) fail('string offsets out of order');
    prev = end;
  }
  if (prev !== text.length) fail('text has unused characters');
  const strings: (string | undefined)[] = new Array<string | undefined>(nStrings);
  return (v) => strings[v] ?? (strings[v] = text.slice(v === 0 ? 0 : n[ends + v - 1], n[ends + v]));
}

/** Checks every number of every column (finite; codes, lanes, strings and step refs in range). */
function validateColumns({ counts, nStrings, f, n, base }: Layout, lanes: number): void {
  // One pass over each float column (this runs before the first frame, in code not yet optimised):
  // `x - x === 0` is false for NaN and ±Infinity alike. NaN is allowed only in a marker's waitEnd and
  // readyAt columns ("none"), from column `nanFrom` on.
  const checkFloats = (t: Table, nanFrom: number): void => {
    const len = counts[t];
    for (let c = 0; c < F64[t]; c++) {
      const from = base[t].f + c * len;
      const to = from + len;
      if (c < nanFrom) {
        for (let at = from; at < to; at++) if (!(f[at] - f[at] === 0)) fail(`a number in ${t} is not finite`);
      } else {
        for (let at = from; at < to; at++)
          if (f[at] === Infinity || f[at] === -Infinity) fail(`a number in ${t} is not finite`);
      }
    }
  };
  const checkInts = (t: Table, col: number, lo: number, hi: number, what: string): void => {
    const len = counts[t];
    for (let r = 0, at = base[t].i + col * len; r < len; r++, at++)
      if (!(n[at] >= lo && n[at] < hi)) fail(`${what} out of range in ${t}`);
  };
  const LANE = [0, lanes] as const;
  const STR = [0, nStrings] as const;
  checkFloats('spans', Infinity);
  checkFloats('markers', 1);
  checkFloats('flows', Infinity);
  checkFloats('steps', Infinity);
  checkFloats('output', Infinity);
  checkInts('spans', 0, ...LANE, 'lane');
  checkInts('spans', 2, ...STR, 'string');
  checkInts('spans', 3, ...STR, 'string');
  checkInts('spans', 7, 0, 2, 'open flag');
  checkInts('markers', 0, ...LANE, 'lane');
  checkInts('markers', 2, 0, MARKER_KINDS.length, 'kind');
  checkInts('markers', 3, ...STR, 'string');
  checkInts('markers', 6, 0, SEVERITIES.length, 'severity');
  checkInts('markers', 7, ...STR, 'string');
  checkInts('flows', 0, 0, FLOW_KINDS.length, 'kind');
  checkInts('flows', 1, ...LANE, 'lane');
  checkInts('flows', 3, ...LANE, 'lane');
  checkInts('steps', 1, ...LANE, 'lane');
  checkInts('steps', 2, 0, REF_TYPES.length, 'ref type');
  checkInts('steps', 4, ...STR, 'string');
  checkInts('output', 1, ...LANE, 'lane');
  checkInts('output', 2, 0, STREAMS.length, 'stream');
  checkInts('output', 3, ...STR, 'string');
  const len = counts.steps;
  const b = base.steps.i;
  for (let r = 0; r < len; r++) {
    const index = n[b + 3 * len + r];
    if (index < 0 || index >= (n[b + 2 * len + r] === 0 ? counts.spans : counts.markers))
      fail('step refers to a missing event');
  }
}

/** Marker details: each distinct one parsed once and checked; markers share the (read-only) record. */
function parseDetails(
  { counts, n, base, nStrings }: Layout,
  str: (i: number) => string,
): Map<number, Record<string, string>> {
  const details = new Map<number, Record<string, string>>();
  const len = counts.markers;
  const b = base.markers.i + 7 * len;
  // Most markers share a few details: a flag per string skips the repeats without a Map lookup each.
  const seen = new Uint8Array(nStrings);
  for (let r = 0; r < len; r++) {
    const v = n[b + r];
    if (seen[v] === 1) continue;
    seen[v] = 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(str(v));
    } catch {
      fail('marker detail is not JSON');
    }
    if (!isStringRecord(parsed)) fail('marker detail is not a string record');
    details.set(v, parsed);
  }
  return details;
}

/** The drawing columns as views into the payload's buffer. */
function eventColumns({ counts, f, n, base }: Layout, str: (i: number) => string): EventColumns {
  const col = (t: Table, c: number): Int32Array =>
    n.subarray(base[t].i + c * counts[t], base[t].i + (c + 1) * counts[t]);
  const fcol = (t: Table, c: number): Float64Array =>
    f.subarray(base[t].f + c * counts[t], base[t].f + (c + 1) * counts[t]);
  const spanNames = col('spans', 2);
  return {
    spanLane: col('spans', 0),
    spanDepth: col('spans', 6),
    spanStart: fcol('spans', 0),
    spanEnd: fcol('spans', 1),
    spanCpu: fcol('spans', 2),
    spanOpen: col('spans', 7),
    spanName: (i) => str(spanNames[i]),
    markerLane: col('markers', 0),
    markerTs: fcol('markers', 0),
    markerWaitEnd: fcol('markers', 1),
    markerReadyAt: fcol('markers', 2),
    markerOrder: col('markers', 1),
    markerKind: col('markers', 2),
    markerSeverity: col('markers', 6),
    flowFromLane: col('flows', 1),
    flowToLane: col('flows', 3),
    flowFromTs: fcol('flows', 0),
    flowToTs: fcol('flows', 1),
  };
}

/** Making one table's objects, a slice of rows at a time. */
interface Job {
  /** Makes rows [from, to) of this job's table; the last slice hands the array to the model. */
  run(from: number, to: number): void;
  len: number;
}

/** One job per table, in model order, that fill `model`'s arrays from validated columns. */
function objectJobs(
  layout: Layout,
  str: (i: number) => string,
  details: Map<number, Record<string, string>>,
  model: TraceModel,
): Job[] {
  const { counts, f, n, base } = layout;
  // Row r of a table: column c is at base + c * len + r.
  const job = <T>(
    t: Table,
    adopt: (out: T[]) => void,
    make: (fo: number, io: number, len: number, r: number) => T,
  ): Job => {
    const len = counts[t];
    // Allocated on the first slice, after the first frame, not while decoding.
    let out: T[] | undefined;
    const { f: fo, i: io } = base[t];
    return {
      len,
      run(from, to) {
        out ??= new Array<T>(len);
        for (let r = from; r < to; r++) out[r] = make(fo, io, len, r);
        if (to === len) adopt(out);
      },
    };
  };
  return [
    job<Span>(
      'spans',
      (out) => {
        model.spans = out;
      },
      (fo, io, len, r) => ({
        lane: n[io + r],
        order: n[io + len + r],
        start: f[fo + r],
        end: f[fo + len + r],
        name: str(n[io + 2 * len + r]),
        qualname: str(n[io + 3 * len + r]),
        source: n[io + 4 * len + r],
        line: n[io + 5 * len + r],
        depth: n[io + 6 * len + r],
        cpu: f[fo + 2 * len + r],
        open: n[io + 7 * len + r] !== 0,
      }),
    ),
    job<Marker>(
      'markers',
      (out) => {
        model.markers = out;
      },
      (fo, io, len, r) => {
        const m: Marker = {
          lane: n[io + r],
          order: n[io + len + r],
          ts: f[fo + r],
          kind: MARKER_KINDS[n[io + 2 * len + r]],
          label: str(n[io + 3 * len + r]),
          source: n[io + 4 * len + r],
          line: n[io + 5 * len + r],
          severity: SEVERITIES[n[io + 6 * len + r]],
          detail: details.get(n[io + 7 * len + r]) as Record<string, string>,
        };
        const w = f[fo + len + r];
        if (!Number.isNaN(w)) m.waitEnd = w;
        const ready = f[fo + 2 * len + r];
        if (!Number.isNaN(ready)) m.readyAt = ready;
        return m;
      },
    ),
    job<Flow>(
      'flows',
      (out) => {
        model.flows = out;
      },
      (fo, io, len, r) => ({
        kind: FLOW_KINDS[n[io + r]],
        fromLane: n[io + len + r],
        fromTs: f[fo + r],
        fromOrder: n[io + 2 * len + r],
        toLane: n[io + 3 * len + r],
        toTs: f[fo + len + r],
        toOrder: n[io + 4 * len + r],
      }),
    ),
    job<Step>(
      'steps',
      (out) => {
        model.steps = out;
      },
      (fo, io, len, r) => ({
        order: n[io + r],
        ts: f[fo + r],
        lane: n[io + len + r],
        ref: { type: REF_TYPES[n[io + 2 * len + r]], index: n[io + 3 * len + r] },
        text: str(n[io + 4 * len + r]),
        source: n[io + 5 * len + r],
        line: n[io + 6 * len + r],
      }),
    ),
    job<OutputLine>(
      'output',
      (out) => {
        model.output = out;
      },
      (fo, io, len, r) => ({
        order: n[io + r],
        ts: f[fo + r],
        lane: n[io + len + r],
        stream: STREAMS[n[io + 2 * len + r]],
        text: str(n[io + 3 * len + r]),
      }),
    ),
  ];
}

/** Runs jobs in order, up to maxRows rows per call; true once all are done. */
function stepper(jobs: readonly Job[]): (maxRows: number) => boolean {
  let at = 0;
  let row = 0;
  return (maxRows) => {
    let budget = maxRows;
    while (at < jobs.length && budget > 0) {
      const j = jobs[at];
      const to = Math.min(j.len, row + budget);
      j.run(row, to);
      budget -= to - row;
      row = to;
      if (row === j.len) {
        at++;
        row = 0;
      }
    }
    return at === jobs.length;
  };
}

/**
 * Like `decodeTraceColumns`, but makes no objects: the first frame draws from `columns` (views into
 * the buffer), and `finish()` makes the span, marker, flow, step and output objects after that frame.
 * The whole payload is still validated before this returns.
 */
export function decodeTraceColumnsDeferred(head: unknown, data: unknown): DeferredTrace {
  if (typeof head !== 'string' || !(data instanceof ArrayBuffer)) fail('wrong field types');
  const layout = readLayout(data);
  const h = parseHead(head);
  const str = stringTable(layout);
  validateColumns(layout, h.lanes.length);
  const details = parseDetails(layout, str);
  const model: TraceModel = { ...h, spans: [], markers: [], flows: [], steps: [], output: [] };
  const work = stepper(objectJobs(layout, str, details, model));
  return { model, columns: eventColumns(layout, str), work, finish: () => void work(Infinity) };
}
