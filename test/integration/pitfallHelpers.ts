// Shared by the trusted and untrusted pitfall-diagnostics suites.
import * as vscode from 'vscode';
import { openUntitled } from './workbench';

export const UNGUARDED = [
  'import multiprocessing',
  '',
  '',
  'def work():',
  '    print("working")',
  '',
  '',
  'p = multiprocessing.Process(target=work)',
  'p.start()',
  'p.join()',
  '',
].join('\n');

/** Our diagnostics on a document once `ready` holds for them (polled: the check is debounced). */
export async function diagnosticsWhen(
  uri: vscode.Uri,
  ready: (d: vscode.Diagnostic[]) => boolean,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lab');
    if (ready(ours)) return ours;
    if (Date.now() > deadline)
      throw new Error(
        `diagnostics never matched; last: ${JSON.stringify(ours.map((d) => [codeOf(d), d.range.start.line]))}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function openPython(content: string): Promise<vscode.TextEditor> {
  // (a stale untitled document under a reused URI would carry another test's text: say so, not "no diagnostics")
  return vscode.window.showTextDocument(await openUntitled('python', content));
}
