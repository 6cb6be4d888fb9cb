/**
 * Follows the tracer's output directory while the program runs: new events-<pid>.jsonl files are
 * picked up as processes appear, and each file is read incrementally. Only files that open with a
 * meta event carrying the run's token count: a file the program itself put there (it does not know
 * the token) adds no lane, no error and no pid to stop.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EventFileReader } from '../trace/readEvents';
import { mergeStreams } from '../trace/merge';
import type { RawEvent } from '../trace/schema';

const FILE = /^events-(\d+)\.jsonl$/;

export class EventTail {
  private readonly readers = new Map<number, EventFileReader>();
  private busy: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly token?: string,
  ) {}

  /** The readers of the run's own processes (see the class comment). */
  private own(): EventFileReader[] {
    const out: EventFileReader[] = [];
    for (const r of this.readers.values()) if (this.token === undefined || opensWithToken(r, this.token)) out.push(r);
    return out;
  }

  /** Pids that have written events (every traced process of the run). */
  pids(): number[] {
    return [...this.readers.entries()]
      .filter(([, r]) => this.token === undefined || opensWithToken(r, this.token))
      .map(([pid]) => pid);
  }

  get events(): number {
    let n = 0;
    for (const r of this.own()) n += r.events.length;
    return n;
  }

  get unreadableLines(): number {
    let n = 0;
    for (const r of this.own()) n += r.bad + r.torn;
    return n;
  }

  /**
   * What the user must hear about: lines that could not be read and files cut off at the size limit
   * (each counts one). Torn last lines are left out: a killed process leaves one by design.
   */
  get skippedLines(): number {
    let n = 0;
    for (const r of this.readers.values()) n += r.bad + (r.oversize ? 1 : 0);
    return n;
  }

  /** Reads what is new; concurrent calls share one read. `final` drops torn last lines. */
  poll(final = false): Promise<void> {
    if (this.busy) {
      return final ? this.busy.then(() => this.poll(true)) : this.busy;
    }
    this.busy = this.read(final).finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  /**
   * Every pid of the run known so far: traced processes (their event files, even empty ones) and
   * children the tracer saw started (proc_started), which covers programs that are not Python.
   */
  async listPids(): Promise<number[]> {
    await this.discover();
    const pids = new Set(this.pids());
    for (const r of this.own()) {
      for (const e of r.events) {
        if (e[5] !== 'proc_started') continue;
        const child = (e[6] as { child_pid?: unknown } | null)?.child_pid;
        if (typeof child === 'number' && Number.isSafeInteger(child) && child > 1) pids.add(child);
      }
    }
    return [...pids];
  }

  private async discover(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = FILE.exec(name);
      if (!m) continue;
      const pid = Number(m[1]);
      if (!this.readers.has(pid)) this.readers.set(pid, new EventFileReader(join(this.dir, name)));
    }
  }

  private async read(final: boolean): Promise<void> {
    await this.discover();
    for (const r of this.readers.values()) await r.poll(final);
  }

  merged(): RawEvent[] {
    return mergeStreams(this.own().map((r) => r.events));
  }

  /** True when any process reported that its event cap was reached. */
  eventCapHit(): boolean {
    for (const r of this.own()) {
      for (let i = r.events.length - 1; i >= 0 && i >= r.events.length - 50; i--) {
        const e = r.events[i];
        if (
          e[5] === 'summary' &&
          typeof e[6] === 'object' &&
          e[6] !== null &&
          ((e[6] as { dropped_events?: unknown }).dropped_events ?? 0) !== 0
        )
          return true;
      }
      if (
        r.events.some(
          (e) =>
            e[5] === 'limit' &&
            typeof e[6] === 'object' &&
            e[6] !== null &&
            (e[6] as { what?: unknown }).what === 'events',
        )
      )
        return true;
    }
    return false;
  }
}

function opensWithToken(r: EventFileReader, token: string): boolean {
  const first = r.events[0];
  return first !== undefined && first[5] === 'meta' && (first[6] as { run?: unknown } | null)?.run === token;
}
