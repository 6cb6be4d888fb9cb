import { readFile, stat, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { exportChromeTrace, importChromeTrace } from '../trace/chromeTrace';
import type { SourceLink, TimelinePanel } from '../timeline/TimelinePanel';

/** Larger files are refused before reading: a trace this big would not render usefully anyway. */
const MAX_TRACE_BYTES = 512 * 1024 * 1024;

/** Export Trace…: the model shown in the Timeline as Chrome Trace Event JSON (Perfetto, chrome://tracing). */
export async function exportTrace(timeline: TimelinePanel, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const model = timeline.currentModel;
  if (!model) {
    void vscode.window.showInformationMessage(
      'Concurrency Lab: there is no trace to export yet. Run a program with the timeline first.',
    );
    return undefined;
  }
  const base = model.title.replace(/[^\w.-]+/g, '_').replace(/\.py$/, '') || 'trace';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: 'Export trace (Chrome Trace Event JSON: opens in Perfetto and chrome://tracing)',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.trace.json`) : undefined,
      filters: { 'Trace JSON': ['json'] },
    }));
  if (!uri) return undefined;
  try {
    await writeFile(uri.fsPath, exportChromeTrace(model), 'utf8');
    timeline.notice('info', `Exported to ${uri.fsPath}`);
    void vscode.window.showInformationMessage(
      `Concurrency Lab: trace exported to ${uri.fsPath}. Open it again with "Open Trace…", or in Perfetto.`,
    );
    return uri;
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Concurrency Lab: could not write ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
}

/** Open Trace…: a trace this extension exported, shown in the Timeline again. */
export async function openTrace(timeline: TimelinePanel, source?: vscode.Uri): Promise<boolean> {
  const uri =
    source ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: 'Open a Concurrency Lab trace',
        filters: { 'Trace JSON': ['json'] },
      })
    )?.[0];
  if (!uri) return false;
  try {
    const size = (await stat(uri.fsPath)).size;
    if (size > MAX_TRACE_BYTES)
      throw new Error(
        `the file is ${(size / 1048576).toFixed(0)} MB; traces over ${MAX_TRACE_BYTES / 1048576} MB are not opened`,
      );
    const result = importChromeTrace(await readFile(uri.fsPath, 'utf8'));
    if ('error' in result) throw new Error(result.error);
    const model = result.model;
    const links: (SourceLink | undefined)[] = await Promise.all(
      model.sources.map(async (s) => {
        try {
          await stat(s.file);
          return { uri: vscode.Uri.file(s.file), lineOffset: 0 };
        } catch {
          return undefined; // the traced file (often a temp copy) no longer exists: no source links
        }
      }),
    );
    timeline.showModel(model, links);
    void vscode.commands.executeCommand('setContext', 'concurrencyLab.hasTrace', true);
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Concurrency Lab: could not open ${uri.fsPath} as a trace: ${e instanceof Error ? e.message : String(e)}`,
    );
    return false;
  }
}
