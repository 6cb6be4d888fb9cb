/**
 * What a finished run proved (src/trace/findings), as diagnostics on the program's lines, under their
 * own source name so they read apart from the static checks. A new run replaces them; an edit drops
 * those on the lines it touched and moves the others with their lines, so none points at the wrong
 * code. Each code links to its page, media/findings/KIND.md (what it means, why, what to do).
 */
import * as vscode from 'vscode';
import type { TraceModel } from '../shared/traceModel';
import { runFindings, type RunFinding } from '../trace/findings';

export const RUN_DIAGNOSTIC_SOURCE = 'Concurrency Lab run';

const SEVERITY: Record<RunFinding['severity'], vscode.DiagnosticSeverity> = {
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export class RunDiagnostics implements vscode.Disposable {
  constructor(private readonly extensionUri: vscode.Uri) {}

  private readonly collection = vscode.languages.createDiagnosticCollection('concurrencyLabRun');
  private readonly subscription = vscode.workspace.onDidChangeTextDocument((e) => this.follow(e));

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  /** Shows the findings of `model`, a run of the document `uri`; returns how many. */
  publish(uri: vscode.Uri, model: TraceModel): number {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const diagnostics = runFindings(model).map((f) => {
      const line = f.line - 1 + model.lineOffset;
      const text = doc && line < doc.lineCount ? doc.lineAt(line) : undefined;
      const range = text
        ? new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.range.end.character)
        : new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(range, f.message, SEVERITY[f.severity]);
      d.source = RUN_DIAGNOSTIC_SOURCE;
      d.code = { value: f.kind, target: this.findingPage(f.kind) };
      return d;
    });
    this.collection.set(uri, diagnostics);
    return diagnostics.length;
  }

  findingPage(kind: RunFinding['kind']): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'findings', `${kind}.md`);
  }

  /** Drops the diagnostics on edited lines and moves those below an edit by the lines it added or removed. */
  private follow(e: vscode.TextDocumentChangeEvent): void {
    const current = this.collection.get(e.document.uri);
    if (!current || current.length === 0 || e.contentChanges.length === 0) return;
    let kept = [...current];
    // The changes' ranges are in the document before the event: apply the lowest ones last.
    for (const c of [...e.contentChanges].sort((a, b) => b.range.start.compareTo(a.range.start))) {
      const added = (c.text.match(/\n/g) ?? []).length - (c.range.end.line - c.range.start.line);
      kept = kept.flatMap((d) => {
        const line = d.range.start.line;
        if (line < c.range.start.line) return [d];
        if (line <= c.range.end.line) return [];
        if (added === 0) return [d];
        const moved = new vscode.Diagnostic(
          new vscode.Range(line + added, d.range.start.character, line + added, d.range.end.character),
          d.message,
          d.severity,
        );
        moved.source = d.source;
        moved.code = d.code;
        return [moved];
      });
    }
    this.collection.set(e.document.uri, kept);
  }
}
