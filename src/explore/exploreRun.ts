/**
 * Runs the explorer: one Python process (src/tracer/explore.py) that compiles the program once and
 * forks a child per schedule, printing a JSON line per schedule. Records are passed on as they come
 * (progress), grouped into outcomes, and the process group is ended on abort.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OutcomeTable, parseExploreLine } from './outcomes';
import type { ExploreRecord, ExploreSummary } from './types';

export interface ExploreOptions {
  python: string;
  file: string;
  cwd: string;
  tracerDir: string;
  runs: number;
  seed: number;
  /** Seconds one schedule may run (wall clock) before it counts as a timeout. */
  timeoutS: number;
  replay?: number;
  /** With `replay`: record the schedule's events for the Timeline into this folder (replayTraced.ts). */
  traceDir?: string;
  /** With `traceDir`: mark this decision of the schedule (Compare: where two schedules part). */
  markDecision?: number;
  /** Run all `runs` schedules instead of stopping at the first failure. */
  keepGoing?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onRecord?: (r: ExploreRecord, table: OutcomeTable) => void;
}

export interface ExploreResult {
  summary: ExploreSummary;
  records: ExploreRecord[];
  /** Why the explorer could not run (no Python, a syntax error, a crash), or undefined. */
  error?: string;
  cancelled: boolean;
}

export function explorerArgs(
  o: Pick<
    ExploreOptions,
    'tracerDir' | 'file' | 'runs' | 'seed' | 'timeoutS' | 'replay' | 'keepGoing' | 'traceDir' | 'markDecision'
  >,
): string[] {
  const args = [
    join(o.tracerDir, 'explore.py'),
    o.file,
    '--runs',
    String(o.runs),
    '--seed',
    String(o.seed),
    '--timeout',
    String(o.timeoutS),
  ];
  if (o.replay !== undefined) args.push('--replay', String(o.replay));
  if (o.keepGoing) args.push('--keep-going');
  if (o.replay !== undefined && o.traceDir !== undefined) {
    args.push('--trace-dir', o.traceDir);
    if (o.markDecision !== undefined) args.push('--mark-decision', String(o.markDecision));
  }
  return args;
}

export function runExplore(o: ExploreOptions): Promise<ExploreResult> {
  return new Promise((resolve) => {
    const table = new OutcomeTable();
    const records: ExploreRecord[] = [];
    let error: string | undefined;
    let stderr = '';
    let done = false;
    const env = { ...(o.env ?? process.env), PYTHONUTF8: '1' };
    const child = spawn(o.python, explorerArgs(o), {
      cwd: o.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = (): void => kill();
    o.signal?.addEventListener('abort', onAbort);
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += b.toString();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = parseExploreLine(line);
      if (!msg) return;
      if (msg.type === 'run') {
        records.push(msg);
        table.add(msg);
        o.onRecord?.(msg, table);
      } else if (msg.type === 'error') {
        error = msg.line ? `${msg.message} (line ${msg.line})` : msg.message;
      } else {
        done = true;
        table.complete = msg.complete === true;
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      error =
        e.code === 'ENOENT'
          ? `Python not found: "${o.python}". Set concurrencyLab.pythonPath or pass --python.`
          : `could not start ${o.python}: ${e.message}`;
    });
    child.on('close', () => {
      o.signal?.removeEventListener('abort', onAbort);
      const cancelled = o.signal?.aborted ?? false;
      if (!done && !error && !cancelled)
        error = `the explorer stopped unexpectedly${stderr ? `:\n${stderr.trim().split('\n').slice(-8).join('\n')}` : ''}`;
      resolve({ summary: table.summary(), records, error, cancelled });
    });
  });
}
