import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DEMOS, type Demo } from '../patterns/demos';

/**
 * Demos open as read-only documents of their own scheme: no file on disk (so no clash with a workspace
 * file of the same name, and it works with no folder or a remote one), never dirty (so closing never asks
 * to save), and the tab still reads "race_condition.py". Editing starts from "Open as Editable Copy".
 */
export const DEMO_SCHEME = 'concurrency-lab-demo';

export function demoUri(demo: Demo): vscode.Uri {
  return vscode.Uri.from({ scheme: DEMO_SCHEME, path: `/${demo.file}` });
}

/** The demo a demo document shows, from its URI (undefined for any other document). */
export function demoOf(uri: vscode.Uri): Demo | undefined {
  if (uri.scheme !== DEMO_SCHEME) return undefined;
  const file = path.posix.basename(uri.path);
  return DEMOS.find((d) => d.file === file);
}

export class DemoContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const demo = demoOf(uri);
    if (!demo) throw new Error(`Concurrency Lab has no demo named ${uri.path}.`);
    return readDemoText(this.extensionUri, demo);
  }
}

export function readDemoText(extensionUri: vscode.Uri, demo: Demo): Promise<string> {
  return readFile(vscode.Uri.joinPath(extensionUri, 'media', 'demos', demo.file).fsPath, 'utf8');
}

/** Opens the demo's read-only document as Python. */
export async function openDemoDocument(demo: Demo): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(demoUri(demo));
  return doc.languageId === 'python' ? doc : vscode.languages.setTextDocumentLanguage(doc, 'python');
}

/**
 * "Open as Editable Copy": the demo's text in a new untitled Python document the user can change, run
 * and save wherever they like (an untitled document has no path, so it clashes with nothing).
 */
export async function openEditableCopy(
  extensionUri: vscode.Uri,
  uri?: vscode.Uri,
): Promise<vscode.TextDocument | undefined> {
  const demo = demoOf(uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.Uri.parse('untitled:none'));
  if (!demo) {
    void vscode.window.showInformationMessage(
      'Concurrency Lab: "Open as Editable Copy" works on a demo. Open one with "Open Demo…" first.',
    );
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({
    language: 'python',
    content: await readDemoText(extensionUri, demo),
  });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}
