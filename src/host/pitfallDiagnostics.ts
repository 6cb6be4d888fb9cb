/**
 * The static concurrency checks as VS Code diagnostics on every Python document, re-checked as the
 * user types (debounced), with quick fixes as code actions and each code linked to its rule page
 * (media/checks/CODE.md). Runs no Python, so it works in untrusted workspaces too.
 */
import * as vscode from 'vscode';
import type { Tree } from '@lezer/common';
import { checkPython, parsePython, reparsePython } from '../checks/engine';
import type { Finding, Severity } from '../checks/types';
import { Disposable } from '../shared/disposable';

export const DIAGNOSTIC_SOURCE = 'Concurrency Lab';
/** Long enough to skip keystrokes in a burst, short enough to feel live. */
const DEBOUNCE_MS = 300;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

interface Checked {
  version: number;
  text: string;
  tree: Tree;
  findings: Finding[];
}

export class PitfallDiagnostics extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('concurrencyLab'));
  private readonly checked = new Map<string, Checked>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.check(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)));
    this.register(
      vscode.languages.registerCodeActionsProvider({ language: 'python' }, this, {
        providedCodeActionKinds: PitfallDiagnostics.providedCodeActionKinds,
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  /** The page that explains a rule. */
  rulePage(code: string): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'checks', `${code}.md`);
  }

  /** Checks now (documents of other languages are left alone and cleared). */
  check(doc: vscode.TextDocument): Finding[] {
    const key = doc.uri.toString();
    this.clearTimer(key);
    if (doc.languageId !== 'python') {
      if (this.checked.delete(key)) this.collection.delete(doc.uri);
      return [];
    }
    const text = doc.getText();
    // The previous tree's unchanged parts are reused: a change costs a fraction of a full parse.
    const previous = this.checked.get(key);
    const tree = previous ? reparsePython(previous, text) : parsePython(text);
    const findings = checkPython(text, tree);
    this.checked.set(key, { version: doc.version, text, tree, findings });
    this.collection.set(
      doc.uri,
      findings.map((f) => this.toDiagnostic(doc, f)),
    );
    return findings;
  }

  provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const cached = this.checked.get(doc.uri.toString());
    const findings = cached?.version === doc.version ? cached.findings : this.check(doc);
    const actions: vscode.CodeAction[] = [];
    for (const diag of ours) {
      const code = typeof diag.code === 'object' ? String(diag.code.value) : String(diag.code);
      const finding = findings.find(
        (f) =>
          f.code === code &&
          doc.positionAt(f.from).isEqual(diag.range.start) &&
          doc.positionAt(f.to).isEqual(diag.range.end),
      );
      finding?.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diag];
        action.isPreferred = i === 0;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits)
          action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.from), doc.positionAt(e.to)), e.text);
        actions.push(action);
      });
    }
    return actions;
  }

  override dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    super.dispose();
  }

  private schedule(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'python') return;
    const key = doc.uri.toString();
    this.clearTimer(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!doc.isClosed) this.check(doc);
      }, DEBOUNCE_MS),
    );
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.clearTimer(key);
    this.checked.delete(key);
    // An untitled URI is reused: the next untitled document may be opened under it around the time the old
    // one's close arrives (before or after it), and its findings must stay. Decide once both events are in
    // (a timer of `timers`, so dispose() and a newer check of the same URI cancel it).
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const live = vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === key);
        if (live) this.check(live);
        else this.collection.delete(doc.uri);
      }, 0),
    );
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
  }

  private toDiagnostic(doc: vscode.TextDocument, f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(
      new vscode.Range(doc.positionAt(f.from), doc.positionAt(f.to)),
      f.message,
      SEVERITY[f.severity],
    );
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.code, target: this.rulePage(f.code) };
    return d;
  }
}
