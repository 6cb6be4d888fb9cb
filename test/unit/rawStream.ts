// Builds raw event streams for tests, following src/trace/schema.ts exactly.
import type { EventKind as RawKind } from '../../src/shared/eventKinds';
import type { RawEvent } from '../../src/trace/schema';

export class RawStream {
  readonly events: RawEvent[] = [];
  private seq = 0;
  constructor(
    readonly pid: number,
    public ts = 1_000_000,
  ) {}

  /** Appends an event `dt` ns after the previous one. */
  ev(tid: number, task: number, kind: RawKind, data: unknown, dt = 1000): this {
    this.ts += dt;
    this.events.push([this.seq++, this.ts, this.pid, tid, task, kind, data]);
    return this;
  }

  /** The main process's first event, as the tracer writes it for `python FILE`. */
  mainProcess(tid = 1): this {
    return this.ev(tid, 0, 'proc_begin', {
      ppid: 1,
      name: 'MainProcess',
      parent_obj: null,
      parent_pid: 1,
      origin: 'main',
      internal: false,
    });
  }

  jsonl(): string {
    return this.events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  }
}
