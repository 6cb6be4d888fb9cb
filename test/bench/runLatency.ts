// `npm run bench:run`, the half that runs inside VS Code (loaded as the extension tests entry by
// scripts/bench-run.mjs in code-server with headless Chromium): for each program, the time from the
// Run command to the first painted Timeline frame (the webview's 'painted' message), beside the
// untraced run time of the same file (`python FILE`), interleaved round by round. A benchmark, not a
// test: it writes every sample to CONCURRENCY_LAB_BENCH_OUT and judges nothing.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ConcurrencyLabApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/runController';
import { DEMOS } from '../../src/patterns/demos';

const EXTENSION_ID = 'concurrency-lab.python-concurrency-lab';
/** The pause after each traced run (see the loop). */
const SETTLE_MS = 1500;
const TINY = 'import threading\n\nt = threading.Thread(target=print, args=("hello",))\nt.start()\nt.join()\n';

export interface Sample {
  program: string;
  round: number;
  untracedMs: number;
  /** Run command → first painted frame (a live snapshot's, when one came first). */
  firstFrameMs: number;
  /** Run command → the finished trace's first painted frame. */
  finalFrameMs: number;
  /** Run command → the program's first event (its start, as the tracer saw it). */
  programStartMs: number;
  /** The program's last event (its exit, as near as the tracer sees it) → the finished trace's first painted frame. */
  exitToFinalFrameMs: number;
}

interface Program {
  name: string;
  file: string;
  /** Starts the run the way a user would. */
  run(): Thenable<RunOutcome | undefined>;
}

function untraced(python: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(python, [file], { cwd: path.dirname(file), stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(performance.now() - began));
  });
}

async function traced(
  lab: ConcurrencyLabApi,
  program: Program,
): Promise<Omit<Sample, 'program' | 'round' | 'untracedMs'>> {
  let first = 0;
  let final = 0;
  let finalPainted: () => void = () => undefined;
  const painted = new Promise<void>((resolve) => (finalPainted = resolve));
  const began = performance.now();
  const beganNs = process.hrtime.bigint(); // the tracer's clock (perf_counter_ns: CLOCK_MONOTONIC)
  let programStartMs = 0;
  let programEndMs = 0;
  const sub = lab.timeline.onDidReceiveMessage((m) => {
    if (m.type !== 'painted') return;
    if (first === 0) first = performance.now() - began;
    if (!m.live) {
      final = performance.now() - began;
      finalPainted();
    }
  });
  try {
    const outcome = await program.run();
    if (!outcome?.model) throw new Error(`${program.name} did not run: ${outcome?.refused ?? 'no model'}`);
    programStartMs = Number(BigInt(outcome.model.t0) - beganNs) / 1e6;
    programEndMs = programStartMs + outcome.model.duration / 1e6;
    await Promise.race([
      painted,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`${program.name}: no painted frame within 30 s`)), 30_000),
      ),
    ]);
  } finally {
    sub.dispose();
  }
  return { firstFrameMs: first, finalFrameMs: final, programStartMs, exitToFinalFrameMs: final - programEndMs };
}

export async function run(): Promise<void> {
  const out = process.env.CONCURRENCY_LAB_BENCH_OUT;
  const results = process.env.CONCURRENCY_LAB_TEST_RESULTS;
  const rounds = Number(process.env.CONCURRENCY_LAB_BENCH_ROUNDS) || 5;
  const ext = vscode.extensions.getExtension<ConcurrencyLabApi>(EXTENSION_ID);
  if (!ext) throw new Error('the extension is not loaded');
  const lab = await ext.activate();
  const tinyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lab-bench-')), 'tiny.py');
  fs.writeFileSync(tinyFile, TINY);
  const demosDir = vscode.Uri.joinPath(ext.extensionUri, 'media', 'demos').fsPath;
  const demo = (id: string): Program => {
    const d = DEMOS.find((x) => x.id === id);
    if (!d) throw new Error(`no demo ${id}`);
    return {
      name: d.file,
      file: path.join(demosDir, d.file),
      run: () => vscode.commands.executeCommand<RunOutcome>('concurrencyLab.openDemo', id),
    };
  };
  const programs: Program[] = [
    {
      name: 'tiny.py',
      file: tinyFile,
      run: async () => {
        await vscode.window.showTextDocument(vscode.Uri.file(tinyFile), { viewColumn: vscode.ViewColumn.One });
        return vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
      },
    },
    demo('race-condition'),
    demo('producer-consumer'),
  ];
  const python = (await lab.interpreters.resolve(vscode.Uri.file(tinyFile))).command;
  const samples: Sample[] = [];
  // Round 0 is the cold start (first panel, first run); rounds 1..n are the steady state.
  for (let round = 0; round <= rounds; round++) {
    for (const program of programs) {
      const t = await traced(lab, program);
      // A user reads the picture before running again: the spare supervisor the run leaves behind starts
      // meanwhile (spareSupervisors.ts), not during the untraced run it would slow down.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const untracedMs = await untraced(python, program.file);
      samples.push({ program: program.name, round, untracedMs, ...t });
      console.log(
        `bench: ${program.name} round ${round}: untraced ${untracedMs.toFixed(0)} ms, first frame ${t.firstFrameMs.toFixed(0)} ms, final frame ${t.finalFrameMs.toFixed(0)} ms`,
      );
    }
  }
  if (out) fs.writeFileSync(out, JSON.stringify({ python, samples }, null, 2));
  if (results)
    fs.writeFileSync(
      results,
      JSON.stringify({ suite: 'bench', passed: 1, failed: 0, pending: 0, finished: true, tests: [] }),
    );
}
