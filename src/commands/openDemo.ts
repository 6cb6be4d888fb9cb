import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DEMOS, type Demo } from '../patterns/demos';
import type { RunController, RunOutcome } from '../host/runController';
import { programFromDocument } from '../host/programFromEditor';

const DEADLOCK_DEMO_TIMEOUT_MS = 4000;

/**
 * Open Demo…: a complete, commented program opened as a new (untitled) document, so the user can edit it
 * freely without touching the extension's files, then run with the timeline.
 */
export async function openDemo(extensionUri: vscode.Uri, runs: RunController, id?: string): Promise<RunOutcome | undefined> {
  let demo: Demo | undefined = id ? DEMOS.find((d) => d.id === id) : undefined;
  if (!demo) {
    const pick = await vscode.window.showQuickPick(
      DEMOS.map((d) => ({ label: d.title, detail: d.description, demo: d })),
      { title: 'Open a Concurrency Demo', placeHolder: 'Pick a demo: it opens as a new document and runs with the timeline', matchOnDetail: true },
    );
    demo = pick?.demo;
  }
  if (!demo) return undefined;
  const text = await readFile(vscode.Uri.joinPath(extensionUri, 'media', 'demos', demo.file).fsPath, 'utf8');
  const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const choice = await programFromDocument(doc);
  if ('problem' in choice) return undefined;
  choice.request.program.displayName = demo.file;
  // It hangs on purpose: stop it after a few seconds instead of the general timeout.
  if (demo.expectsTimeout) choice.request.timeoutMs = DEADLOCK_DEMO_TIMEOUT_MS;
  return runs.run(choice.request);
}
