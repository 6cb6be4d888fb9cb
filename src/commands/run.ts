import * as vscode from 'vscode';
import { programFromDocument, programFromSelection, ProgramChoice } from '../host/programFromEditor';
import type { RunController, RunOutcome } from '../host/runController';

function refuse(problem: string, offerFileRun: boolean): RunOutcome {
  const buttons = offerFileRun ? ['Run File with Timeline'] : [];
  void vscode.window.showInformationMessage(`Concurrency Lab: ${problem}`, ...buttons).then((a) => {
    if (a) void vscode.commands.executeCommand('concurrencyLab.runFile');
  });
  return { model: undefined, refused: problem };
}

async function start(runs: RunController, choice: ProgramChoice, offerFileRun = false): Promise<RunOutcome> {
  if ('problem' in choice) return refuse(choice.problem, offerFileRun);
  return runs.run(choice.request);
}

/** Run File with Timeline: the active Python document (or the one whose title-bar button was pressed). */
export async function runFile(runs: RunController, uri?: vscode.Uri): Promise<RunOutcome> {
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!doc) return refuse('Open a Python file first: there is no active editor to run.', false);
  return start(runs, await programFromDocument(doc));
}

/** Run Selection with Timeline: just the selected lines, dedented, with editor line numbers kept. */
export async function runSelection(runs: RunController): Promise<RunOutcome> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return refuse('Open a Python file and select the code to run.', false);
  return start(runs, programFromSelection(editor), editor.document.languageId === 'python');
}
