import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMOS, findDemo, type Demo } from '../patterns/demos';
import type { RunController, RunOutcome } from '../host/runController';
import { programFromDocument } from '../host/programFromEditor';

const DEADLOCK_DEMO_TIMEOUT_MS = 4000;

/**
 * An untitled document named after the demo (the tab reads "deadlock.py", Save As proposes it), in the
 * first workspace folder when there is one. Opening a demo again resets that document to the original.
 */
async function demoDocument(demo: Demo, text: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  const target = folder ? vscode.Uri.joinPath(folder.uri, demo.file) : vscode.Uri.file(path.join(os.homedir(), demo.file));
  const doc = await vscode.workspace.openTextDocument(target.with({ scheme: 'untitled' }));
  if (doc.getText() !== text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    await vscode.workspace.applyEdit(edit);
  }
  return doc.languageId === 'python' ? doc : vscode.languages.setTextDocumentLanguage(doc, 'python');
}

/**
 * Open Demo…: a complete, commented program opened as a new (untitled) document, so the user can edit it
 * freely without touching the extension's files, then run with the timeline.
 */
export async function openDemo(extensionUri: vscode.Uri, runs: RunController, id?: string): Promise<RunOutcome | undefined> {
  let demo: Demo | undefined = id ? findDemo(id) : undefined;
  if (!demo) {
    const pick = await vscode.window.showQuickPick(
      DEMOS.map((d) => ({ label: d.title, detail: d.description, demo: d })),
      { title: 'Open a Concurrency Demo', placeHolder: 'Pick a demo: it opens as a new document and runs with the timeline', matchOnDetail: true },
    );
    demo = pick?.demo;
  }
  if (!demo) return undefined;
  const text = await readFile(vscode.Uri.joinPath(extensionUri, 'media', 'demos', demo.file).fsPath, 'utf8');
  const doc = await demoDocument(demo, text);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const choice = await programFromDocument(doc);
  if ('problem' in choice) return undefined;
  choice.request.program.displayName = demo.file;
  // It hangs on purpose: stop it after a few seconds instead of the general timeout.
  if (demo.expectsTimeout) choice.request.timeoutMs = DEADLOCK_DEMO_TIMEOUT_MS;
  return runs.run(choice.request);
}
