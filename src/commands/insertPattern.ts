import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { findPattern, groupCatalog, loadCatalog, type Pattern } from '../patterns/catalog';

export const PREVIEW_SCHEME = 'concurrency-lab-pattern';

interface PatternItem extends vscode.QuickPickItem {
  pattern?: Pattern;
}

/** Read-only documents that show a pattern's code (with its defaults filled in) while the user browses. */
export class PatternPreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  uriFor(p: Pattern): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${p.prefix}.py` });
    this.texts.set(uri.toString(), p.preview);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

let catalogCache: Promise<Pattern[]> | undefined;

export function patternCatalog(extensionUri: vscode.Uri): Promise<Pattern[]> {
  catalogCache ??= readFile(vscode.Uri.joinPath(extensionUri, 'snippets', 'python.code-snippets').fsPath, 'utf8').then(
    loadCatalog,
  );
  return catalogCache;
}

async function closePreviews(): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === PREVIEW_SCHEME);
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
}

/**
 * Insert Pattern…: a grouped quick pick over the snippet file (one source for both), with a live preview
 * of the highlighted pattern beside the editor. The chosen pattern is inserted as a snippet (tab stops
 * and all) at the cursor, or into a new Python document when no Python editor is active.
 */
export interface InsertPatternArgs {
  /** Insert this pattern (prefix or name) without asking. */
  prefix?: string;
  /** Open the quick pick already filtered with this text (keybindings, tests). */
  filter?: string;
}

export async function insertPattern(
  extensionUri: vscode.Uri,
  previews: PatternPreviewProvider,
  args: InsertPatternArgs = {},
): Promise<Pattern | undefined> {
  const patterns = await patternCatalog(extensionUri);
  const { prefix, filter } = args;
  let chosen: Pattern | undefined = prefix
    ? (findPattern(patterns, prefix) ?? patterns.find((p) => p.name === prefix))
    : undefined;
  const target = vscode.window.activeTextEditor;
  if (!chosen) {
    const items: PatternItem[] = [];
    for (const { group, entries } of groupCatalog(patterns)) {
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
      for (const p of entries) {
        items.push({
          label: p.name,
          description: `${p.prefix}${p.minPython !== '3.8' ? ` · Python ${p.minPython}+` : ''}`,
          detail: p.description,
          pattern: p,
        });
      }
    }
    const pick = vscode.window.createQuickPick<PatternItem>();
    pick.title = 'Insert Concurrency Pattern';
    pick.placeholder =
      'Type to filter (e.g. gather, pool, lock, deadlock); the highlighted pattern is previewed beside';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = items;
    if (filter) pick.value = filter;
    let previewTimer: NodeJS.Timeout | undefined;
    chosen = await new Promise<Pattern | undefined>((resolve) => {
      pick.onDidChangeActive((active) => {
        const p = active[0]?.pattern;
        if (!p) return;
        clearTimeout(previewTimer);
        // Debounced so arrowing through the list doesn't open a tab per keystroke.
        previewTimer = setTimeout(() => {
          void vscode.window
            .showTextDocument(previews.uriFor(p), {
              viewColumn: vscode.ViewColumn.Beside,
              preserveFocus: true,
              preview: true,
            })
            .then(
              (e) => vscode.languages.setTextDocumentLanguage(e.document, 'python'),
              () => undefined,
            );
        }, 150);
      });
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.pattern);
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(undefined);
        pick.dispose();
      });
      pick.show();
    });
    clearTimeout(previewTimer);
    await closePreviews();
  }
  if (!chosen) return undefined;
  let editor = target && target.document.languageId === 'python' && !target.document.isClosed ? target : undefined;
  if (editor) {
    editor = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  } else {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: '' });
    editor = await vscode.window.showTextDocument(doc);
  }
  await editor.insertSnippet(new vscode.SnippetString(chosen.body));
  return chosen;
}
