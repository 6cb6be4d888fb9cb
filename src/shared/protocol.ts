/**
 * Typed messages between the timeline panel (extension host) and its webview, with guards.
 * The host validates every message it receives with `parseWebviewMessage`; anything else is dropped.
 * The webview refers to source files only by `Source.id` of the model it was given, never by path.
 */
import type { TraceModel } from './traceModel';

// ---- host → webview ------------------------------------------------------------------------

export interface RunProgress {
  state: 'starting' | 'running' | 'finishing' | 'done' | 'failed' | 'stopped';
  /** Events read so far (all processes). */
  events: number;
  elapsedMs: number;
  /** Short status line ("Running threads_demo.py with Python 3.12.1…"). */
  message: string;
}

export type HostMessage =
  /**
   * A complete model (end of run, opened trace, or a live snapshot when `live` is true) as JSON text.
   * A string crosses into the webview as one copy, where an object graph is structured-cloned object by
   * object (measured at 100k events: ~0.3–0.8 s of clone vs ~0.2 s of JSON.parse).
   */
  | { type: 'traceJson'; json: string; live: boolean }
  /**
   * The same model in the columnar encoding of traceColumns.ts: numbers as binary columns and the
   * strings as UTF-16 in `data` (an ArrayBuffer, transferred as bytes), the small rest as JSON in `head`.
   * What the panel sends: no JSON.parse of the bulk before the first frame.
   */
  | { type: 'traceColumns'; head: string; data: ArrayBuffer; live: boolean }
  | { type: 'progress'; progress: RunProgress }
  /** The cursor moved in the traced source: highlight events on that line (1-based, traced-file numbering). */
  | { type: 'cursor'; source: number; line: number }
  /** Export finished / failed: show a short note. */
  | { type: 'notice'; level: 'info' | 'error'; text: string }
  /** Save Timeline as Image…: answer with an 'image' of the canvas as drawn now. */
  | { type: 'snapshot'; id: number }
  /**
   * After a plain Run whose threads or tasks touch shared state (src/explore/exploreHint.ts): offer, once,
   * "Explore other schedules…" with this sentence. The next model the webview is given takes it away.
   */
  | { type: 'exploreHint'; text: string };

// ---- webview → host ------------------------------------------------------------------------

export type WebviewMessage =
  | { type: 'ready' }
  /** Show this line of this source in the editor (step/marker/span clicked, replay moved). */
  | { type: 'reveal'; source: number; line: number; preserveFocus: boolean }
  | { type: 'stop' }
  | { type: 'rerun' }
  | { type: 'export' }
  | { type: 'open' }
  /** The hint's "Explore other schedules…": explore the program of the last Run. */
  | { type: 'explore' }
  /** Telemetry-free log line for the output channel (errors inside the webview). */
  | { type: 'log'; level: 'info' | 'error'; text: string }
  /** The first frame of a trace just received is on the screen (`npm run bench:run` times Run → this). */
  | { type: 'painted'; live: boolean }
  /** The answer to 'snapshot': the canvas as a PNG data URL. */
  | { type: 'image'; id: number; png: string };

/** A PNG data URL as canvas.toDataURL makes it. */
export const PNG_DATA_URL = 'data:image/png;base64,';
/** An 8000×8000 canvas as PNG stays well under this. */
const MAX_IMAGE_CHARS = 128 * 1024 * 1024;

const MAX_LOG = 2000;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/**
 * Validates an untrusted message from the webview. `sourceCount` bounds `reveal.source`.
 * Returns undefined for anything that is not exactly one of the defined shapes.
 */
export function parseWebviewMessage(raw: unknown, sourceCount: number): WebviewMessage | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'stop':
    case 'rerun':
    case 'export':
    case 'open':
    case 'explore':
      return Object.keys(raw).length === 1 ? { type: raw.type } : undefined;
    case 'reveal':
      if (
        sourceCount > 0 &&
        isIndex(raw.source, sourceCount - 1) &&
        isIndex(raw.line, 10_000_000) &&
        raw.line >= 1 &&
        typeof raw.preserveFocus === 'boolean'
      ) {
        return { type: 'reveal', source: raw.source, line: raw.line, preserveFocus: raw.preserveFocus };
      }
      return undefined;
    case 'painted':
      return Object.keys(raw).length === 2 && typeof raw.live === 'boolean'
        ? { type: 'painted', live: raw.live }
        : undefined;
    case 'log':
      if ((raw.level === 'info' || raw.level === 'error') && typeof raw.text === 'string') {
        return { type: 'log', level: raw.level, text: raw.text.slice(0, MAX_LOG) };
      }
      return undefined;
    case 'image':
      if (
        isIndex(raw.id, Number.MAX_SAFE_INTEGER) &&
        typeof raw.png === 'string' &&
        raw.png.length <= MAX_IMAGE_CHARS &&
        raw.png.startsWith(PNG_DATA_URL) &&
        /^[A-Za-z0-9+/]*={0,2}$/.test(raw.png.slice(PNG_DATA_URL.length)) &&
        Object.keys(raw).length === 3
      ) {
        return { type: 'image', id: raw.id, png: raw.png };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Guard used by the webview on messages from the host (defence in depth; the host is trusted). */
export function isHostMessage(raw: unknown): raw is HostMessage {
  if (!isObj(raw)) return false;
  switch (raw.type) {
    case 'traceJson':
      return typeof raw.json === 'string' && typeof raw.live === 'boolean';
    case 'traceColumns':
      return (
        typeof raw.head === 'string' &&
        raw.data instanceof ArrayBuffer &&
        typeof raw.live === 'boolean' &&
        Object.keys(raw).length === 4
      );
    case 'progress':
      return isObj(raw.progress);
    case 'cursor':
      return typeof raw.source === 'number' && typeof raw.line === 'number';
    case 'notice':
      return (raw.level === 'info' || raw.level === 'error') && typeof raw.text === 'string';
    case 'snapshot':
      return typeof raw.id === 'number';
    case 'exploreHint':
      return typeof raw.text === 'string';
    default:
      return false;
  }
}

export type { TraceModel };
