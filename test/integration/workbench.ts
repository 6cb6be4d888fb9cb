// Small helpers every integration suite needs to leave the workbench as it found it.
import * as vscode from 'vscode';

/**
 * Closes every editor and notification; untitled documents are reverted first so nothing asks to be saved.
 * Toasts left by earlier tests would otherwise cover webviews and swallow the bridge's clicks.
 */
export async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isUntitled && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('notifications.clearAll');
  // A closed untitled document's URI (Untitled-1) is handed out again as soon as the editor is gone, but the
  // extension host drops its copy a moment later: a test that opened one meanwhile got the old text. Wait
  // for the host to let them go (not an error if one lingers: openUntitled says so when it matters).
  const deadline = Date.now() + 3_000;
  while (vscode.workspace.textDocuments.some((d) => d.isUntitled) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
}

/** A new untitled document holding exactly `content` (a stale document under a reused URI fails here, by name). */
export async function openUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language, content });
  if (doc.getText() !== content) throw new Error(`opened ${doc.uri.toString()} holds another text: ${doc.getText()}`);
  return doc;
}

/** The next event that satisfies predicate, or a rejection after timeoutMs. */
export function nextEvent<T>(event: vscode.Event<T>, predicate: (e: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = event((e) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Resolves once cond() holds (checked every 50 ms), or rejects after timeoutMs naming what it waited for. */
export function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}
