import * as path from 'node:path';
import * as vscode from 'vscode';
import { selectionPrelude } from '../run/selectionPrelude';
import type { ProgramSource } from '../run/types';
import { demoOf } from './demoDocuments';
import type { RunRequest } from './runController';

/** The deadlock demo hangs on purpose: stop it after a few seconds instead of the general timeout. */
const DEADLOCK_DEMO_TIMEOUT_MS = 4000;

export type ProgramChoice = { request: RunRequest } | { problem: string };

function displayName(doc: vscode.TextDocument): string {
  return doc.isUntitled || doc.uri.scheme !== 'file'
    ? path.basename(doc.uri.path) || 'Untitled'
    : path.basename(doc.uri.fsPath);
}

function userFile(doc: vscode.TextDocument): string | undefined {
  return !doc.isUntitled && doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
}

/** The whole document, saved first when it is a dirty file (the run then sees what the user sees). */
export async function programFromDocument(doc: vscode.TextDocument): Promise<ProgramChoice> {
  if (doc.languageId !== 'python') {
    return {
      problem: `Run with Timeline runs Python code, and "${displayName(doc)}" is a ${doc.languageId} document. Open a Python file (or change the language mode to Python) and try again.`,
    };
  }
  if (doc.isDirty && !doc.isUntitled && doc.uri.scheme === 'file') await doc.save();
  const program: ProgramSource = {
    text: doc.getText(),
    userFile: userFile(doc),
    // Saved (just now, or already): the run runs the file itself, in place (prepareProgram.ts).
    onDisk: !doc.isDirty && userFile(doc) !== undefined,
    startLine: 0,
    isSelection: false,
    displayName: displayName(doc),
  };
  if (!program.text.trim()) return { problem: `"${program.displayName}" is empty: there is nothing to run.` };
  const demo = demoOf(doc.uri);
  return {
    request: { program, uri: doc.uri, ...(demo?.expectsTimeout ? { timeoutMs: DEADLOCK_DEMO_TIMEOUT_MS } : {}) },
  };
}

/**
 * The selected code. A multi-line selection is widened to whole lines (a selection that starts mid-line
 * would cut the first statement); a selection within one line runs exactly what is selected. The file's
 * top-level imports above the selection come along, with the top-level definitions the selection uses
 * (those below it only when defining them has no effect; see selectionPrelude.ts), so the selected code
 * finds the names it uses.
 */
export function programFromSelection(editor: vscode.TextEditor): ProgramChoice {
  const doc = editor.document;
  if (doc.languageId !== 'python') {
    return {
      problem: `Run Selection with Timeline runs Python code, and "${displayName(doc)}" is a ${doc.languageId} document.`,
    };
  }
  const sel = editor.selection;
  if (sel.isEmpty) {
    return {
      problem: 'Nothing is selected. Select the lines to run, or use "Run File with Timeline" to run the whole file.',
    };
  }
  const range = sel.isSingleLine
    ? sel
    : new vscode.Range(
        sel.start.line,
        0,
        sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1,
        0,
      );
  const text = doc.getText(range);
  if (!text.trim()) return { problem: 'The selection is only white space: there is nothing to run.' };
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
  const prelude = selectionPrelude(
    lines,
    range.start.line,
    range.end.character === 0 ? range.end.line : range.end.line + 1,
  );
  const program: ProgramSource = {
    text,
    userFile: userFile(doc),
    startLine: range.start.line,
    isSelection: true,
    displayName: displayName(doc),
    prelude: prelude.lines,
    preludeDefinitions: prelude.definitions,
    preludeFromBelow: prelude.fromBelow,
  };
  return { request: { program, uri: doc.uri } };
}
