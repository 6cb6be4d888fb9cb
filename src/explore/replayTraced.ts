/**
 * Open in Timeline for one explored schedule: replay its seed with the explorer's scheduler while the
 * tracer's event recording runs (src/tracer/concurrency_lab_explore/replay_trace.py), then build the
 * Timeline's model from those events. The model shows the replayed order: the explorer runs one lane at
 * a time, so the event stream is that order. Pure Node: used by the CLI (`explore --replay S --trace`)
 * and by VS Code.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { TraceModel } from '../shared/traceModel';
import { buildModel } from '../trace/buildModel';
import { mergeStreams } from '../trace/merge';
import type { RawEvent } from '../trace/schema';
import { parseLines } from '../trace/readEvents';
import { runExplore, type ExploreOptions } from './exploreRun';
import type { ExploreRecord } from './types';

export interface ReplayTracedOptions extends Pick<
  ExploreOptions,
  'python' | 'file' | 'cwd' | 'tracerDir' | 'timeoutS' | 'env' | 'signal'
> {
  seed: number;
  /** Mark this decision in the Timeline (where two compared schedules part). */
  markDecision?: number;
  /** The model's title (default: "FILE · seed S"). */
  title?: string;
  /** Label of the program's source in the Timeline (default: its file name). */
  sourceLabel?: string;
}

export interface ReplayTracedResult {
  model?: TraceModel;
  /** The replayed schedule's record (stdout, failure, decisions…). */
  record?: ExploreRecord;
  error?: string;
  cancelled: boolean;
}

/** How a replayed schedule ended, as the Timeline's run error (a deadlock or a failure is what one opens it to see). */
function runError(r: ExploreRecord): TraceModel['error'] {
  const f = r.failure;
  if (!f) return null;
  if (f.kind === 'exception')
    return { code: 'uncaught-exception', message: f.message, ...(f.line ? { line: f.line } : {}) };
  return { code: 'timeout', message: f.kind === 'deadlock' ? `Deadlock: ${f.message}.` : `Timeout: ${f.message}.` };
}

/** The replayed schedule's raw events, in the replayed order, and its record. */
export async function replayEvents(
  o: ReplayTracedOptions,
): Promise<{ events?: RawEvent[]; record?: ExploreRecord; error?: string; cancelled: boolean }> {
  const dir = await mkdtemp(join(tmpdir(), 'concurrency-lab-replay-'));
  try {
    const result = await runExplore({
      ...o,
      runs: 1,
      seed: o.seed,
      replay: o.seed,
      traceDir: dir,
      markDecision: o.markDecision,
    });
    const record = result.records[0];
    if (result.error || result.cancelled || !record)
      return {
        error: result.error ?? (result.cancelled ? undefined : 'the replay wrote no schedule'),
        cancelled: result.cancelled,
        record,
      };
    const streams: RawEvent[][] = [];
    for (const name of (await readdir(dir)).filter((n) => /^events-\d+\.jsonl$/.test(n)).sort()) {
      const events: RawEvent[] = [];
      parseLines(await readFile(join(dir, name), 'utf8'), events);
      streams.push(events);
    }
    return { events: mergeStreams(streams), record, cancelled: false };
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export function modelOf(
  events: readonly RawEvent[],
  record: ExploreRecord,
  o: Pick<ReplayTracedOptions, 'file' | 'seed' | 'title' | 'sourceLabel'>,
): TraceModel {
  const label = o.sourceLabel ?? basename(o.file);
  return buildModel(events, {
    title: o.title ?? `${label} · seed ${o.seed}`,
    exitCode: record.exitCode,
    error: runError(record),
    sourceLabel: (file) => (file === o.file ? label : basename(file)),
  });
}

export async function replayTraced(o: ReplayTracedOptions): Promise<ReplayTracedResult> {
  const r = await replayEvents(o);
  if (!r.events || !r.record) return { error: r.error, cancelled: r.cancelled, record: r.record };
  return { model: modelOf(r.events, r.record, o), record: r.record, cancelled: false };
}
