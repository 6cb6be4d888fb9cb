import * as vscode from 'vscode';
import {
  type ExploreHostMessage,
  type ExploreTable,
  type ExploreWebviewMessage,
  parseExploreWebviewMessage,
} from '../shared/exploreTable';
import { loadWebviewPage, webviewPanelOptions } from '../timeline/webviewPage';

export const EXPLORE_VIEW_TYPE = 'concurrencyLab.explore';

/**
 * The Explore Interleavings panel (host side): one panel, reused by each exploration. Messages wait until
 * the webview says it is ready; everything it sends is validated before a handler sees it.
 */
export class ExplorePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private table: ExploreTable | undefined;
  private readonly messages = new vscode.EventEmitter<ExploreWebviewMessage>();
  /** Every valid message from the webview (the controller and the tests listen). */
  readonly onDidReceiveMessage = this.messages.event;

  constructor(private readonly extensionUri: vscode.Uri) {}

  dispose(): void {
    this.panel?.dispose();
    this.messages.dispose();
  }

  get visibleTable(): ExploreTable | undefined {
    return this.table;
  }

  show(table: ExploreTable): void {
    this.table = table;
    if (!this.panel) this.create();
    else if (!this.panel.visible) this.panel.reveal(undefined, true);
    if (this.panel) this.panel.title = `Explore: ${table.title}`;
    this.post({ type: 'table', table });
  }

  busy(text: string): void {
    this.post({ type: 'busy', text });
  }

  private create(): void {
    const panel = vscode.window.createWebviewPanel(
      EXPLORE_VIEW_TYPE,
      'Explore Interleavings',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewPanelOptions(this.extensionUri),
    );
    const webview = panel.webview;
    try {
      loadWebviewPage(panel, this.extensionUri, {
        script: vscode.Uri.joinPath(this.extensionUri, 'dist', 'exploreView.js'),
        style: vscode.Uri.joinPath(this.extensionUri, 'media', 'explore.css'),
        title: 'Explore Interleavings',
      });
    } catch (e) {
      panel.dispose(); // no half-made panel left behind
      throw e;
    }
    this.panel = panel;
    this.ready = false;
    const subs = [
      webview.onDidReceiveMessage((raw: unknown) => {
        const m = parseExploreWebviewMessage(raw);
        if (!m) return;
        if (m.type === 'ready') {
          this.ready = true;
          if (this.table) void webview.postMessage({ type: 'table', table: this.table } satisfies ExploreHostMessage);
        }
        this.messages.fire(m);
      }),
    ];
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      for (const d of subs) d.dispose();
    });
  }

  private post(m: ExploreHostMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }
}
