import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { buildTimelineHtml } from './html';

/**
 * One of our webview pages: its bundle and its stylesheet, as paths in our install folder (written out by
 * the caller with joinPath, so the package test sees every file the extension loads).
 */
export interface WebviewPage {
  script: vscode.Uri;
  style: vscode.Uri;
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
    scriptUri: webview.asWebviewUri(page.script).toString(),
    styleUri: webview.asWebviewUri(page.style).toString(),
    title: page.title,
  });
}
