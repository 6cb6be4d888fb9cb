import * as vscode from 'vscode';
import { DEMOS, findDemo, type Demo } from '../patterns/demos';
import type { RunController, RunOutcome } from '../host/runController';
import { programFromDocument } from '../host/programFromEditor';
import { openDemoDocument } from '../host/demoDocuments';

/**
 * Open Demo…: a complete, commented program opened as a read-only demo document (see demoDocuments.ts),
 * then run with the timeline. "Open as Editable Copy" in its title bar gives an editable copy.
 */
export async function openDemo(runs: RunController, id?: string): Promise<RunOutcome | undefined> {
  let demo: Demo | undefined = id ? findDemo(id) : undefined;
  if (!demo) {
    const pick = await vscode.window.showQuickPick(
      DEMOS.map((d) => ({ label: d.title, detail: d.description, demo: d })),
      {
        title: 'Open a Concurrency Demo',
        placeHolder: 'Pick a demo: it opens read-only and runs with the timeline',
        matchOnDetail: true,
      },
    );
    demo = pick?.demo;
  }
  if (!demo) return undefined;
  const doc = await openDemoDocument(demo);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  const choice = await programFromDocument(doc);
  if ('problem' in choice) return undefined;
  return runs.run(choice.request);
}
