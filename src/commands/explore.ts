import * as vscode from 'vscode';
import type { ExploreController, ExploreOutcome } from '../host/exploreController';
import { programFromDocument, programFromSelection } from '../host/programFromEditor';

/**
 * Explore Interleavings…: the selection when there is one (as Run Selection takes it), else the whole
 * document (a demo's read-only document too), or the file whose context-menu entry was used.
 */
export async function exploreInterleavings(explorer: ExploreController, uri?: vscode.Uri): Promise<ExploreOutcome> {
  const editor = vscode.window.activeTextEditor;
  if (!uri && editor && !editor.selection.isEmpty) return explorer.explore(programFromSelection(editor));
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!doc) return explorer.explore({ problem: 'Open a Python file first: there is no active editor to explore.' });
  return explorer.explore(await programFromDocument(doc));
}
