/**
 * Incremental reader of one tracer event file (events-<pid>.jsonl). The file may still be growing
 * while we read it, its last line may be torn by a kill, and a hostile program can write anything
 * into it: every line is parsed defensively and bad ones are counted, never thrown.
 */
import { open } from 'node:fs/promises';
import { isEventKind } from '../shared/eventKinds';
import type { RawEvent } from './schema';

/** Largest single line we accept; longer ones (a runaway print) are dropped as unreadable. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Bytes read per call so one huge file cannot stall the event loop for long. */
const CHUNK_BYTES = 1024 * 1024;
/** A file past this is not read further: the tracer's event cap keeps real files far below it. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

export interface ParseCounts {
  events: number;
  /** Lines that were not a valid event (garbage, wrong shape, unknown kind, too long). */
  bad: number;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** Validates one decoded JSON value as a raw event; returns undefined for anything else. */
export function toRawEvent(v: unknown): RawEvent | undefined {
  if (!Array.isArray(v) || v.length !== 7) return undefined;
  const [seq, ts, pid, tid, task, kind] = v as unknown[];
  if (!isInt(seq) || typeof ts !== 'number' || !Number.isFinite(ts) || !isInt(pid) || !isInt(tid) || !isInt(task))
    return undefined;
  if (!isEventKind(kind)) return undefined;
  return v as RawEvent;
}

/** Parses complete lines (no torn tail) into `out`; returns how many were bad. */
export function parseLines(text: string, out: RawEvent[]): number {
  let bad = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad++;
      continue;
    }
    const ev = toRawEvent(value);
    if (ev) out.push(ev);
    else bad++;
  }
  return bad;
}

/**
 * Reads a file from where the previous call stopped. Only complete lines are parsed; the
 * unterminated tail waits for the next call, and on the final call it is a torn line and skipped.
 */
export class EventFileReader {
  readonly events: RawEvent[] = [];
  bad = 0;
  torn = 0;
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  private skippingLongLine = false;
  /** True once the file passed maxBytes and reading stopped. */
  oversize = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = MAX_FILE_BYTES,
  ) {}

  /** Reads what was appended since the last call. Returns the number of new events. */
  async poll(final = false): Promise<number> {
    const before = this.events.length;
    let fh;
    try {
      fh = await open(this.path, 'r');
    } catch {
      return 0;
    }
    try {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        if (this.offset >= this.maxBytes) {
          this.oversize = true;
          break;
        }
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK_BYTES, this.maxBytes - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.consume(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
    if (final) {
      if (this.pending.length > 0 || this.skippingLongLine) this.torn++;
      this.pending = Buffer.alloc(0);
      this.skippingLongLine = false;
    }
    return this.events.length - before;
  }

  private consume(chunk: Buffer): void {
    const lastNl = chunk.lastIndexOf(0x0a);
    if (lastNl < 0) {
      this.keepTail(chunk);
      return;
    }
    let head = chunk.subarray(0, lastNl + 1);
    if (this.skippingLongLine) {
      // The rest of an overlong line runs to the first newline: drop it.
      head = head.subarray(head.indexOf(0x0a) + 1);
      this.skippingLongLine = false;
    }
    const whole = this.pending.length > 0 ? Buffer.concat([this.pending, head]) : head;
    this.pending = Buffer.alloc(0);
    this.bad += parseLines(whole.toString('utf8'), this.events);
    this.keepTail(chunk.subarray(lastNl + 1));
  }

  private keepTail(tail: Buffer): void {
    if (tail.length === 0) return;
    if (this.skippingLongLine) return;
    if (this.pending.length + tail.length > MAX_LINE_BYTES) {
      this.bad++;
      this.pending = Buffer.alloc(0);
      this.skippingLongLine = true;
      return;
    }
    this.pending = Buffer.concat([this.pending, tail]);
  }
}
