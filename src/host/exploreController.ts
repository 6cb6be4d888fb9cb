import * as path from 'node:path';
import * as vscode from 'vscode';
import { compareReplays, scheduleName, type CompareResult } from '../explore/compareReplays';
import { findingDiagnostics, type FindingDiagnostic } from '../explore/diagnosticsMap';
import { runExplore } from '../explore/exploreRun';
import { replayTraced } from '../explore/replayTraced';
import { exploreTable } from '../explore/tableModel';
import type { ExploreRecord, ExploreSummary } from '../explore/types';
import { prepareProgram, type PreparedProgram } from '../run/prepareProgram';
import type { TraceModel } from '../shared/traceModel';
import type { SourceLink, TimelinePanel } from '../timeline/TimelinePanel';
import { ExplorePanel } from './explorePanel';
import { demoOf } from './demoDocuments';
import { describeOrigin, type InterpreterService } from './interpreter';
import type { ProgramChoice } from './programFromEditor';

/** The source every explorer diagnostic carries. */
export const EXPLORER_SOURCE = 'Concurrency Lab explorer';
/** A demo's bug shows in its first schedules: a short exploration says so in seconds. */
const DEMO_EXPLORE_RUNS = 20;
/** How often the table is redrawn while schedules come in. */
const TABLE_REFRESH_MS = 300;

export interface ExploreOutcome {
  summary?: ExploreSummary;
  records: ExploreRecord[];
  /** Why nothing ran (trust, interpreter, no Python document). */
  refused?: string;
  /** Why the explorer failed (a syntax error, a crash). */
  error?: string;
  cancelled: boolean;
}

/** What the last exploration ran: kept for Open in Timeline and Compare until the next one. */
interface Explored {
  prepared: PreparedProgram;
  uri: vscode.Uri;
  python: string;
  cwd: string;
  label: string;
  records: Map<number, ExploreRecord>;
}

function exploreSettings(uri: vscode.Uri): { runs: number; timeoutS: number } {
  const cfg = vscode.workspace.getConfiguration('concurrencyLab', uri);
  const runs = Math.floor(cfg.get<number>('explore.runs', 100));
  const timeoutS = cfg.get<number>('explore.scheduleTimeoutSeconds', 10);
  return {
    runs: Number.isFinite(runs) ? Math.min(100_000, Math.max(1, runs)) : 100,
    timeoutS: Number.isFinite(timeoutS) ? Math.min(600, Math.max(1, timeoutS)) : 10,
  };
}

/**
 * Explore Interleavings: runs the explorer on a file or selection with a cancellable progress
 * notification, shows the outcome table, puts races and deadlocks on the editor lines, and replays a
 * schedule traced into the Timeline (one, or two compared).
 */
export class ExploreController implements vscode.Disposable {
  readonly panel: ExplorePanel;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('concurrencyLab.explorer');
  private readonly finished = new vscode.EventEmitter<ExploreOutcome>();
  /** Fires when an exploration ends (or is refused). */
  readonly onDidFinish = this.finished.event;
  private current: { abort: AbortController; done: Promise<ExploreOutcome> } | undefined;
  private last: Explored | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly tracerDir: string,
    private readonly interpreters: InterpreterService,
    private readonly timeline: TimelinePanel,
    private readonly log: vscode.LogOutputChannel,
    extensionUri: vscode.Uri,
  ) {
    this.panel = new ExplorePanel(extensionUri);
    this.disposables.push(
      this.panel,
      this.diagnostics,
      this.finished,
      // A finding points at code as it was explored: once the text changes, it may point at the wrong line.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.diagnostics.has(e.document.uri))
          this.diagnostics.delete(e.document.uri);
      }),
      this.panel.onDidReceiveMessage((m) => {
        if (m.type === 'openTimeline') void this.openTimeline(m.seed);
        else if (m.type === 'compare') void this.compare(m.seeds[0], m.seeds[1]);
        else if (m.type === 'reveal') void this.reveal(m.file, m.line);
      }),
    );
  }

  dispose(): void {
    this.current?.abort.abort();
    for (const d of this.disposables) d.dispose();
    void this.last?.prepared.cleanup();
  }

  /** The diagnostics the last exploration left on a document (tests read them). */
  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  async explore(choice: ProgramChoice): Promise<ExploreOutcome> {
    if ('problem' in choice) return this.refuse(choice.problem, false);
    const { program, uri } = choice.request;
    if (!vscode.workspace.isTrusted) {
      return this.refuse('Explore Interleavings runs your program many times, so it needs a trusted workspace.', true);
    }
    const py = await this.interpreters.resolve(uri);
    if (py.problem) {
      const msg = `${py.problem} (from ${describeOrigin(py.origin)}). Choose a Python 3.8+ interpreter to explore programs.`;
      void vscode.window.showErrorMessage(`Concurrency Lab: ${msg}`, 'Select Interpreter').then((a) => {
        if (a) void vscode.commands.executeCommand('concurrencyLab.selectInterpreter');
      });
      return this.refuse(msg, false, true);
    }
    if (this.current) {
      this.current.abort.abort();
      await this.current.done;
    }
    const abort = new AbortController();
    const done = this.execute(program, uri, py.command, abort);
    this.current = { abort, done };
    try {
      return await done;
    } finally {
      if (this.current?.done === done) this.current = undefined;
    }
  }

  /** Stops the exploration in progress; false when none runs. */
  stop(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  private refuse(reason: string, trust: boolean, shown = false): ExploreOutcome {
    if (trust) {
      void vscode.window.showWarningMessage(`Concurrency Lab: ${reason}`, 'Manage Workspace Trust').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    } else if (!shown) void vscode.window.showInformationMessage(`Concurrency Lab: ${reason}`);
    const outcome: ExploreOutcome = { records: [], refused: reason, cancelled: false };
    this.finished.fire(outcome);
    return outcome;
  }

  private async execute(
    program: Parameters<typeof prepareProgram>[0],
    uri: vscode.Uri,
    python: string,
    abort: AbortController,
  ): Promise<ExploreOutcome> {
    const what = program.isSelection ? `selection of ${program.displayName}` : program.displayName;
    const settings = exploreSettings(uri);
    const { timeoutS } = settings;
    const runs = demoOf(uri) ? Math.min(settings.runs, DEMO_EXPLORE_RUNS) : settings.runs;
    void this.last?.prepared.cleanup();
    this.last = undefined;
    this.diagnostics.clear();
    let prepared: PreparedProgram;
    try {
      prepared = await prepareProgram(program);
    } catch (e) {
      return this.fail(
        `Concurrency Lab could not write a temporary copy of ${what}: ${e instanceof Error ? e.message : String(e)}.`,
      );
    }
    const cwd = program.userFile ? path.dirname(program.userFile) : prepared.dir;
    const explored: Explored = { prepared, uri, python, cwd, label: program.displayName, records: new Map() };
    this.last = explored;
    this.log.info(`Exploring ${what}: up to ${runs} schedules (${python}).`);
    this.panel.show(
      exploreTable(what, { runs: 0, outcomes: [], races: [], deadlocks: [], complete: false }, 'running'),
    );
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exploring ${what}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        return runExplore({
          python,
          file: prepared.file,
          cwd,
          tracerDir: this.tracerDir,
          runs,
          seed: 0,
          timeoutS,
          signal: abort.signal,
          onRecord: (r, table) => {
            explored.records.set(r.seed, r);
            const s = table.summary();
            const races = s.races.length ? ` · ${s.races.length} race${s.races.length === 1 ? '' : 's'}` : '';
            progress.report({
              message: `${s.runs} of up to ${runs} schedules · ${table.distinctOutcomes} distinct outcome${table.distinctOutcomes === 1 ? '' : 's'}${races}`,
            });
            if (Date.now() - shown >= TABLE_REFRESH_MS) {
              shown = Date.now();
              this.panel.show(exploreTable(what, s, 'running'));
            }
          },
        });
      },
    );
    const s = result.summary;
    const state = result.error ? 'failed' : result.cancelled ? 'cancelled' : 'done';
    this.panel.show(exploreTable(what, s, state, result.error));
    if (result.error) {
      this.log.error(`Exploring ${what} failed: ${result.error}`);
      return this.fail(`Concurrency Lab could not explore ${what}: ${result.error}`, s, result.records);
    }
    this.showDiagnostics(findingDiagnostics(s.races, result.records, prepared.file), explored);
    const failing = s.outcomes.filter((o) => o.failure).length;
    const line = `${s.runs} schedule${s.runs === 1 ? '' : 's'}, ${s.outcomes.length} distinct outcome${s.outcomes.length === 1 ? '' : 's'}, ${s.races.length} race${s.races.length === 1 ? '' : 's'}${failing ? `, ${failing} failing` : ''}`;
    this.log.info(`Explored ${what}${result.cancelled ? ' (cancelled)' : ''}: ${line}.`);
    if (!result.cancelled && (failing || s.races.length)) {
      const first = s.outcomes.find((o) => o.failure);
      void vscode.window
        .showWarningMessage(
          `Concurrency Lab: ${what}: ${line}.`,
          ...(first ? ['Open Failing Schedule in Timeline'] : []),
        )
        .then((a) => {
          if (a && first) void this.openTimeline(first.seed);
        });
    }
    const outcome: ExploreOutcome = { summary: s, records: result.records, cancelled: result.cancelled };
    this.finished.fire(outcome);
    return outcome;
  }

  private fail(message: string, summary?: ExploreSummary, records: ExploreRecord[] = []): ExploreOutcome {
    void vscode.window.showErrorMessage(message);
    const outcome: ExploreOutcome = { summary, records, error: message, cancelled: false };
    this.finished.fire(outcome);
    return outcome;
  }

  /** A traced file location → the user's document and 0-based line. */
  private locate(file: string, line: number, explored: Explored): { uri: vscode.Uri; line: number } {
    if (file === explored.prepared.file)
      return { uri: explored.uri, line: Math.max(0, explored.prepared.toUser(line).line - 1) };
    return { uri: vscode.Uri.file(file), line: Math.max(0, line - 1) };
  }

  private showDiagnostics(findings: FindingDiagnostic[], explored: Explored): void {
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const f of findings) {
      const at = this.locate(f.file, f.line, explored);
      const d = new vscode.Diagnostic(
        new vscode.Range(at.line, 0, at.line, Number.MAX_SAFE_INTEGER),
        f.message,
        f.kind === 'deadlock' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = EXPLORER_SOURCE;
      d.code = f.kind === 'race' ? 'data-race' : 'deadlock';
      d.relatedInformation = f.related.map((r) => {
        const to = this.locate(r.file, r.line, explored);
        return new vscode.DiagnosticRelatedInformation(
          new vscode.Location(to.uri, new vscode.Position(to.line, 0)),
          r.message,
        );
      });
      const key = at.uri.toString();
      const entry = byUri.get(key) ?? { uri: at.uri, list: [] };
      // (a race met from both sides, or two races on one line: say it once)
      if (!entry.list.some((x) => x.message === d.message && x.range.isEqual(d.range))) entry.list.push(d);
      byUri.set(key, entry);
    }
    for (const { uri, list } of byUri.values()) this.diagnostics.set(uri, list);
  }

  private links(model: TraceModel, explored: Explored): (SourceLink | undefined)[] {
    return model.sources.map(() => ({ uri: explored.uri, lineOffset: explored.prepared.lineOffset }));
  }

  private replayOptions(
    explored: Explored,
  ): Parameters<typeof replayTraced>[0] extends infer O ? Omit<O, 'seed'> : never {
    return {
      python: explored.python,
      file: explored.prepared.file,
      cwd: explored.cwd,
      tracerDir: this.tracerDir,
      timeoutS: exploreSettings(explored.uri).timeoutS,
      sourceLabel: explored.label,
    };
  }

  /** Open in Timeline: replays the seed traced and shows that exact schedule. */
  async openTimeline(seed: number): Promise<TraceModel | undefined> {
    const explored = this.last;
    if (!explored) {
      void vscode.window.showInformationMessage('Concurrency Lab: explore a program first (Explore Interleavings…).');
      return undefined;
    }
    this.panel.busy(`Replaying seed ${seed} with the tracer…`);
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Replaying seed ${seed} for the Timeline` },
      () => replayTraced({ ...this.replayOptions(explored), seed }),
    );
    this.panel.busy('');
    if (!r.model) {
      void vscode.window.showErrorMessage(
        `Concurrency Lab could not replay seed ${seed}: ${r.error ?? 'it recorded nothing'}.`,
      );
      return undefined;
    }
    this.timeline.showModel(r.model, this.links(r.model, explored));
    return r.model;
  }

  /** Compare: two outcomes' schedules in one Timeline, one above the other, marked where they part. */
  async compare(seedA: number, seedB: number): Promise<CompareResult | undefined> {
    const explored = this.last;
    const a = explored?.records.get(seedA);
    const b = explored?.records.get(seedB);
    if (!explored || !a || !b) {
      void vscode.window.showInformationMessage(
        'Concurrency Lab: pick two outcomes of the last exploration to compare.',
      );
      return undefined;
    }
    this.panel.busy(`Replaying seeds ${seedA} and ${seedB} with the tracer…`);
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Comparing seeds ${seedA} and ${seedB}` },
      () => compareReplays(this.replayOptions(explored), a, b),
    );
    this.panel.busy('');
    if (!r.model) {
      void vscode.window.showErrorMessage(
        `Concurrency Lab could not replay seeds ${seedA} and ${seedB}: ${r.error ?? 'they recorded nothing'}.`,
      );
      return r;
    }
    this.timeline.showModel(r.model, this.links(r.model, explored));
    this.timeline.notice(
      'info',
      r.partsAt === undefined
        ? `Top: ${scheduleName(a, 'A')}; below: ${scheduleName(b, 'B')}. They made the same scheduling decisions.`
        : `Top: ${scheduleName(a, 'A')}; below: ${scheduleName(b, 'B')}. They part at scheduling decision ${r.partsAt}: see the highlighted "schedules part here" marker in each.`,
    );
    return r;
  }

  private async reveal(file: string, line: number): Promise<void> {
    const explored = this.last;
    // (the webview names only the explored program's lines; anything else it sends is ignored)
    if (!explored || file !== explored.prepared.file) return;
    const at = this.locate(file, line, explored);
    const doc = await vscode.workspace.openTextDocument(at.uri);
    const pos = new vscode.Position(Math.min(doc.lineCount - 1, at.line), 0);
    await vscode.window.showTextDocument(doc, {
      selection: new vscode.Range(pos, pos),
      viewColumn: vscode.ViewColumn.One,
    });
  }
}
