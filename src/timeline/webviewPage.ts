import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { buildTimelineHtml } from './html';

/** One of our webview pages: its bundle in dist/, its stylesheet in media/. */
export interface WebviewPage {
  script: string;
  style: string;
  title: string;
}

/**
 * The options every panel of ours is made with: scripts on, kept alive while hidden (a trace is costly to
 * send again), and only our own dist/ and media/ folders loadable.
 */
export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Gives a panel our icon and its page: a strict CSP with a fresh nonce per load, and only our bundle as script. */
export function loadWebviewPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewPage): void {
  const webview = panel.webview;
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  webview.html = buildTimelineHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.style)).toString(),
    title: page.title,
  });
}
