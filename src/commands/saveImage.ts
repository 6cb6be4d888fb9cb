import * as vscode from 'vscode';
import type { TimelinePanel } from '../timeline/TimelinePanel';

/**
 * Save Timeline as Image…: the canvas as the Timeline shows it now (zoom, folds, selection), as a PNG.
 * Written through vscode.workspace.fs so it lands where the workspace is (local, remote, code-server).
 */
export async function saveTimelineImage(timeline: TimelinePanel, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const model = timeline.currentModel;
  if (!model) {
    void vscode.window.showInformationMessage(
      'Concurrency Lab: there is no Timeline to save yet. Run a program with the timeline first.',
    );
    return undefined;
  }
  timeline.show(true);
  const png = await timeline.requestImage();
  if (!png) {
    void vscode.window.showErrorMessage(
      'Concurrency Lab: the Timeline panel did not answer with its picture. Show the panel and try again.',
    );
    return undefined;
  }
  const base = model.title.replace(/[^\w.-]+/g, '_').replace(/\.py$/, '') || 'timeline';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: 'Save the Timeline as a PNG image',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.timeline.png`) : undefined,
      filters: { 'PNG image': ['png'] },
    }));
  if (!uri) return undefined;
  try {
    await vscode.workspace.fs.writeFile(uri, png);
    void vscode.window.showInformationMessage(`Concurrency Lab: Timeline saved to ${uri.fsPath}.`);
    return uri;
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Concurrency Lab: could not write ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
}
