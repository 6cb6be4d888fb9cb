import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkPython } from '../checks/engine';
import { exploreHint } from '../explore/exploreHint';
import { runTraced, supervisorSpec } from '../run/runTraced';
import { SpareSupervisors } from '../run/spareSupervisors';
import type { ProgramSource } from '../run/types';
import { Disposable } from '../shared/disposable';
import type { RunProgress } from '../shared/protocol';
import { type RunError, type TraceModel, unreadableNote } from '../shared/traceModel';
import { waitsAtStop } from '../shared/waitFor';
import type { SourceLink, TimelinePanel } from '../timeline/TimelinePanel';
import { describeOrigin, InterpreterService } from './interpreter';
import { RunDiagnostics } from './runDiagnostics';
import { readRunSettings } from './settings';

/** What the user asked to run, captured at the moment they asked (re-run repeats it). */
export interface RunRequest {
  program: ProgramSource;
  /** The editor document it came from (file or untitled). */
  uri: vscode.Uri;
  /** Overrides concurrencyLab.timeoutSeconds (a demo that deadlocks on purpose needs no 30 s wait). */
  timeoutMs?: number;
}

export interface RunOutcome {
  model: TraceModel | undefined;
  /** Why nothing ran (trust, interpreter…), when nothing did. */
  refused?: string;
  /** A selection run's "Also ran definitions: …" line, when definitions came along. */
  alsoRan?: string;
}

/** How often a live snapshot is rebuilt while a program runs, and up to what size it is worth it. */
const LIVE_SNAPSHOT_MS = 1000;
const LIVE_SNAPSHOT_MAX_EVENTS = 50_000;
/** How long after activation (or trust) the first spare supervisor starts: not while the window opens. */
const PREWARM_DELAY_MS = 2000;

/**
 * Runs programs one at a time with the tracer, feeding the Timeline panel and the editor: progress
 * with a Stop button, live snapshots, the final model, and errors that say what to do.
 * Starting a run while another is going stops the old one first.
 */
export class RunController extends Disposable {
  private current: { abort: AbortController; done: Promise<RunOutcome> } | undefined;
  private lastRequest: RunRequest | undefined;
  /** Where a failed run's error points (its own collection: a shared name would mix with the pitfall checks'). */
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('concurrencyLab.runErrors'));
  /** What the last run proved, on the program's lines. */
  private readonly runDiagnostics: RunDiagnostics;
  private readonly finished = this.register(new vscode.EventEmitter<RunOutcome>());
  /** Fires when a run ends (or is refused). */
  readonly onDidFinish = this.finished.event;
  /** Supervisors started ahead, so that a Run does not wait for an interpreter to start (see spareSupervisors.ts). */
  private readonly spares = new SpareSupervisors();

  constructor(
    private readonly tracerDir: string,
    private readonly interpreters: InterpreterService,
    private readonly timeline: TimelinePanel,
    private readonly log: vscode.LogOutputChannel,
    /** Where the run findings' pages are (media/findings). */
    extensionUri: vscode.Uri,
  ) {
    super();
    this.runDiagnostics = this.register(new RunDiagnostics(extensionUri));
    // Another interpreter (or its settings) must not be served by a spare of the old one.
    this.register(interpreters.onDidChange(() => this.spares.clear()));
    // The first Run need not wait for an interpreter either: warm a spare for what is open, once trusted.
    const prewarmSoon = (): void => {
      const timer = setTimeout(() => void this.prewarm(), PREWARM_DELAY_MS);
      this.register({ dispose: () => clearTimeout(timer) });
    };
    if (vscode.workspace.isTrusted) prewarmSoon();
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(prewarmSoon));
  }

  /**
   * Starts a spare supervisor for a run of `uri` (default: the active Python editor, else the first
   * workspace folder), computed as a run of it would be (interpreter, folder, settings). Nothing without
   * trust, a usable interpreter, or a POSIX host.
   */
  async prewarm(uri?: vscode.Uri): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    const editor = vscode.window.activeTextEditor?.document;
    const target = uri ?? (editor?.languageId === 'python' ? editor.uri : vscode.workspace.workspaceFolders?.[0]?.uri);
    if (!target) return;
    const py = await this.interpreters.resolve(target);
    if (py.problem || this.isDisposed) return;
    const settings = readRunSettings(target);
    const file = target.scheme === 'file' && editor?.uri.toString() === target.toString() ? target.fsPath : undefined;
    this.spares.warm(
      supervisorSpec({
        python: py.command,
        cwd: workingDirectory(file, target),
        tracerDir: this.tracerDir,
        env: settings.env,
        stdin: settings.stdin,
      }),
      0,
    );
  }

  /** Pids of the warm spare supervisors (tests). */
  get sparePids(): number[] {
    return this.spares.pids;
  }

  private isDisposed = false;

  override dispose(): void {
    this.isDisposed = true;
    this.current?.abort.abort();
    this.spares.dispose();
    super.dispose();
  }

  get isRunning(): boolean {
    return this.current !== undefined;
  }

  stop(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  /** Stops the current run, if any, and resolves once its process tree is gone. */
  async stopAndWait(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.abort.abort();
    await current.done;
  }

  /** The document of the last Run (what the Timeline's Explore hint explores). */
  get lastRunUri(): vscode.Uri | undefined {
    return this.lastRequest?.uri;
  }

  async rerun(): Promise<RunOutcome> {
    if (!this.lastRequest) {
      void vscode.window.showInformationMessage(
        'Concurrency Lab: nothing to run again yet. Use Run File with Timeline first.',
      );
      return { model: undefined, refused: 'nothing to re-run' };
    }
    // Re-read the document: the user may have edited it since.
    const req = this.lastRequest;
    try {
      const doc = await vscode.workspace.openTextDocument(req.uri);
      if (!req.program.isSelection) req.program.text = doc.getText();
    } catch {
      // the document is gone: run the text we captured
    }
    return this.run(req);
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    if (!vscode.workspace.isTrusted) {
      const msg =
        'Concurrency Lab runs your program to trace it, so running needs a trusted workspace. Snippets, patterns and demo text still work here.';
      void vscode.window.showWarningMessage(msg, 'Manage Workspace Trust').then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return this.refuse(msg);
    }
    const py = await this.interpreters.resolve(request.uri);
    if (py.problem) {
      const msg = `Concurrency Lab: ${py.problem} (from ${describeOrigin(py.origin)}). Choose a Python 3.8+ interpreter to run programs.`;
      void vscode.window.showErrorMessage(msg, 'Select Interpreter').then((a) => {
        if (a) void vscode.commands.executeCommand('concurrencyLab.selectInterpreter');
      });
      return this.refuse(msg);
    }
    if (this.current) {
      this.current.abort.abort();
      await this.current.done;
    }
    this.lastRequest = request;
    this.diagnostics.delete(request.uri);
    this.runDiagnostics.clear(request.uri);
    const abort = new AbortController();
    const done = this.execute(request, py.command, py.version ?? '', abort);
    this.current = { abort, done };
    void vscode.commands.executeCommand('setContext', 'concurrencyLab.running', true);
    try {
      return await done;
    } finally {
      if (this.current?.done === done) {
        this.current = undefined;
        void vscode.commands.executeCommand('setContext', 'concurrencyLab.running', false);
      }
    }
  }

  private refuse(reason: string): RunOutcome {
    const outcome = { model: undefined, refused: reason };
    this.finished.fire(outcome);
    return outcome;
  }

  private async execute(
    request: RunRequest,
    python: string,
    version: string,
    abort: AbortController,
  ): Promise<RunOutcome> {
    const settings = readRunSettings(request.uri);
    if (request.timeoutMs !== undefined) settings.timeoutMs = Math.min(settings.timeoutMs, request.timeoutMs);
    const name = request.program.displayName;
    const what = request.program.isSelection ? `selection of ${name}` : name;
    const startMsg = `Running ${what} with Python ${version}…`;
    this.timeline.show();
    this.timeline.showProgress({ state: 'starting', events: 0, elapsedMs: 0, message: startMsg });
    this.log.info(`${startMsg} (${python}, timeout ${settings.timeoutMs / 1000}s)`);
    const links = (model: TraceModel): (SourceLink | undefined)[] =>
      model.sources.map(() => ({ uri: request.uri, lineOffset: model.lineOffset }));

    let lastSnapshot = 0;
    const model = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Concurrency Lab: ${what}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        const onProgress = (p: RunProgress, snapshot: () => TraceModel): void => {
          this.timeline.showProgress(p);
          progress.report({ message: `${p.events.toLocaleString()} events · ${(p.elapsedMs / 1000).toFixed(1)} s` });
          const now = Date.now();
          if (
            p.state === 'running' &&
            p.events > 0 &&
            p.events <= LIVE_SNAPSHOT_MAX_EVENTS &&
            now - lastSnapshot >= LIVE_SNAPSHOT_MS
          ) {
            lastSnapshot = now;
            const live = snapshot();
            this.timeline.showModel(live, links(live), true);
          }
        };
        try {
          const result = await runTraced({
            python,
            program: request.program,
            cwd: workingDirectory(request.program.userFile, request.uri),
            tracerDir: this.tracerDir,
            timeoutMs: settings.timeoutMs,
            eventCap: settings.eventCap,
            callBudget: settings.callBudget,
            outputCapBytes: settings.outputCapBytes,
            stdin: settings.stdin,
            env: settings.env,
            signal: abort.signal,
            spares: this.spares,
            onProgress,
          });
          return result.model;
        } catch (e) {
          // The engine reports program faults in the model; a throw here is our own bug.
          this.log.error(
            `Run failed inside Concurrency Lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          void vscode.window.showErrorMessage(
            `Concurrency Lab could not run ${what}: ${e instanceof Error ? e.message : String(e)}. See the "Python Concurrency Lab" output for details.`,
          );
          return undefined;
        }
      },
    );
    if (!model) {
      this.timeline.showProgress({ state: 'failed', events: 0, elapsedMs: 0, message: `Could not run ${what}.` });
      const outcome = { model: undefined };
      this.finished.fire(outcome);
      return outcome;
    }
    this.timeline.showModel(model, links(model));
    void vscode.commands.executeCommand('setContext', 'concurrencyLab.hasTrace', true);
    this.timeline.showProgress({
      state:
        model.error?.code === 'cancelled'
          ? 'stopped'
          : model.error && model.error.code !== 'uncaught-exception'
            ? 'failed'
            : 'done',
      events: model.stats.events,
      elapsedMs: Math.round(model.duration / 1e6),
      message: summarize(model),
    });
    this.log.info(`Finished ${what}: ${summarize(model)}`);
    if (model.error) this.explain(model.error, request, model);
    // One schedule was shown; if its threads touch shared state, offer the others (a whole file only: Explore
    // runs the file, a selection's lines would be another program). After the program's own exception too
    // (exploreHint decides which runs).
    if (!request.program.isSelection) {
      const hint = exploreHint(model, checkPython(request.program.text));
      if (hint) this.timeline.exploreHint(hint);
    }
    const found = this.runDiagnostics.publish(request.uri, model);
    if (found > 0)
      this.log.info(
        `The run proved ${found} concurrency problem${found === 1 ? '' : 's'}: see the Problems view (source "Concurrency Lab run").`,
      );
    const outcome: RunOutcome = { model };
    const definitions = request.program.preludeDefinitions ?? [];
    if (definitions.length > 0) {
      // The user selected some lines; say what else ran so the result is no surprise.
      outcome.alsoRan = `Also ran definitions: ${definitions.join(', ')}${alsoRanBelow(request.program.preludeFromBelow ?? [])}`;
      this.timeline.notice('info', outcome.alsoRan);
      this.log.info(outcome.alsoRan);
    }
    this.finished.fire(outcome);
    return outcome;
  }

  /** Turns a run error into a message with the action that fixes it, and a squiggle where it applies. */
  private explain(error: RunError, request: RunRequest, model: TraceModel): void {
    const where = error.line ? ` (line ${error.line}${error.column ? `, column ${error.column}` : ''})` : '';
    // A deadlock is said as one: a longer time limit would not help it.
    const waits = waitsAtStop(model);
    const deadlock = waits !== undefined && waits.cycle.length > 0;
    const text = deadlock
      ? `${error.message} Deadlock: ${waits.sentence}.`
      : `${error.message}${where}${error.hint ? ` ${error.hint}` : ''}`;
    if (
      error.line &&
      (error.code === 'syntax-error' || error.code === 'unguarded-process' || error.code === 'uncaught-exception')
    ) {
      const line = Math.max(0, error.line - 1);
      const col = Math.max(0, (error.column ?? 1) - 1);
      const d = new vscode.Diagnostic(
        new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
        `${error.message}${error.hint ? `\n${error.hint}` : ''}`,
        error.code === 'uncaught-exception' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
      );
      d.source = 'Concurrency Lab';
      this.diagnostics.set(request.uri, [d]);
    }
    const show =
      error.code === 'uncaught-exception' ||
      error.code === 'timeout' ||
      error.code === 'event-cap' ||
      error.code === 'output-cap'
        ? vscode.window.showWarningMessage
        : error.code === 'cancelled'
          ? vscode.window.showInformationMessage
          : vscode.window.showErrorMessage;
    const actions: string[] = [];
    if (error.line) actions.push('Go to Line');
    if (error.code === 'timeout' && !deadlock) actions.push('Change Timeout');
    if (error.code === 'event-cap') actions.push('Change Event Cap');
    if (error.code === 'python-missing' || error.code === 'python-too-old') actions.push('Select Interpreter');
    void show(`Concurrency Lab: ${text}`, ...actions).then(async (a) => {
      if (a === 'Go to Line' && error.line) {
        const doc = await vscode.workspace.openTextDocument(request.uri);
        const pos = new vscode.Position(
          Math.min(doc.lineCount - 1, error.line - 1),
          Math.max(0, (error.column ?? 1) - 1),
        );
        await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
      } else if (a === 'Change Timeout') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.timeoutSeconds');
      } else if (a === 'Change Event Cap') {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'concurrencyLab.eventCap');
      } else if (a === 'Select Interpreter') {
        await vscode.commands.executeCommand('concurrencyLab.selectInterpreter');
      }
    });
  }
}

/** " (helper is defined below the selection and ran before it)", when any are. */
function alsoRanBelow(names: string[]): string {
  if (names.length === 0) return '';
  return ` (${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} defined below the selection and ran before it)`;
}

/** The run's working folder: the file's own, else the document's workspace folder, else home. */
function workingDirectory(userFile: string | undefined, uri: vscode.Uri): string {
  if (userFile) return path.dirname(userFile);
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : homedir();
}

export function summarize(model: TraceModel): string {
  const s = model.stats;
  const parts = [
    `exit code ${model.exitCode ?? model.signal ?? '?'}`,
    `${s.processes.own + s.processes.internal} process${s.processes.own + s.processes.internal === 1 ? '' : 'es'}`,
    `${s.threads.own + s.threads.internal} thread${s.threads.own + s.threads.internal === 1 ? '' : 's'}`,
    `${s.tasks.own + s.tasks.internal} task${s.tasks.own + s.tasks.internal === 1 ? '' : 's'}`,
    `${s.events.toLocaleString()} events`,
    `${(model.duration / 1e9).toFixed(2)} s`,
  ];
  if (s.unreadableLines) parts.push(unreadableNote(s.unreadableLines));
  return parts.join(' · ');
}
