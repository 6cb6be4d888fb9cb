import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../shared/disposable';
import { HostMessage, parseWebviewMessage, PNG_DATA_URL, RunProgress, WebviewMessage } from '../shared/protocol';
import type { TraceModel } from '../shared/traceModel';
import { loadWebviewPage, webviewPanelOptions } from './webviewPage';
import { traceMessage } from './traceMessage';

export const TIMELINE_VIEW_TYPE = 'concurrencyLab.timeline';

/** Where a model's source lives in the editor: the user's document and the traced-file → document line shift. */
export interface SourceLink {
  uri: vscode.Uri;
  lineOffset: number;
}

export interface TimelineHandlers {
  onStop(): void;
  onRerun(): void;
  onExport(): void;
  onOpen(): void;
  /** The Explore hint's button: explore the last Run's program. */
  onExplore(): void;
}

/**
 * The one Timeline panel (host side). Owns the webview, queues messages until the webview says
 * it is ready, validates everything the webview sends, and maps source indexes to editor lines.
 */
export class TimelinePanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private snapshotId = 0;
  private queue: HostMessage[] = [];
  private model: TraceModel | undefined;
  private links: (SourceLink | undefined)[] = [];
  /** What lives as long as the current webview panel. */
  private readonly panelScope = this.register(new DisposableStore());
  private readonly replayDecoration = this.register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
      borderColor: new vscode.ThemeColor('focusBorder'),
      borderStyle: 'solid',
      borderWidth: '0 0 0 2px',
    }),
  );
  private readonly messagesEmitter = this.register(new vscode.EventEmitter<WebviewMessage>());
  /** Every valid message from the webview (tests and commands listen). */
  readonly onDidReceiveMessage = this.messagesEmitter.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: TimelineHandlers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => this.onCursor(e)));
  }

  get currentModel(): TraceModel | undefined {
    return this.model;
  }

  override dispose(): void {
    this.panel?.dispose();
    super.dispose();
  }

  /** Opens (or reveals) the panel without stealing focus from the editor. */
  show(preserveFocus = true): void {
    if (this.panel) {
      try {
        this.panel.reveal(undefined, preserveFocus);
        return;
      } catch {
        // Closed by the user a moment ago and the dispose event has not reached us yet: make a new one.
        this.panel = undefined;
        this.ready = false;
      }
    }
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      'Concurrency Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      webviewPanelOptions(this.extensionUri),
    );
    try {
      this.attach(panel);
    } catch (e) {
      panel.dispose();
      throw e;
    }
  }

  /** Adopts a panel VS Code restored after a reload. */
  restore(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    panel.webview.options = webviewPanelOptions(this.extensionUri);
    this.attach(panel);
  }

  showProgress(progress: RunProgress): void {
    this.post({ type: 'progress', progress });
  }

  showModel(model: TraceModel, links: (SourceLink | undefined)[], live = false): void {
    this.model = model;
    this.links = links;
    this.show();
    if (this.panel) this.panel.title = `Timeline: ${model.title}`;
    if (live) {
      // Only the newest snapshot matters: drop queued ones the webview has not taken yet.
      this.queue = this.queue.filter((m) => !(isTraceMessage(m) && m.live));
    }
    this.post(traceMessage(model, live, (text) => this.log.warn(text)));
  }

  /**
   * The Timeline canvas as a PNG, drawn by the webview itself (works in desktop, code-server and remote
   * alike: nothing but the webview needs a browser). Undefined when no panel answers in time.
   */
  async requestImage(timeoutMs = 30_000): Promise<Uint8Array | undefined> {
    if (!this.panel) return undefined;
    const id = ++this.snapshotId;
    const answer = new Promise<Uint8Array | undefined>((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, timeoutMs);
      const sub = this.onDidReceiveMessage((m) => {
        if (m.type !== 'image' || m.id !== id) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(Buffer.from(m.png.slice(PNG_DATA_URL.length), 'base64'));
      });
    });
    this.post({ type: 'snapshot', id });
    return answer;
  }

  notice(level: 'info' | 'error', text: string): void {
    this.post({ type: 'notice', level, text });
  }

  /** Offers "Explore other schedules…" under the toolbar until the next model (see exploreHint.ts). */
  exploreHint(text: string): void {
    this.post({ type: 'exploreHint', text });
  }

  private attach(panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    // Load the page before adopting the panel: if that throws, no half-made panel is left behind.
    loadWebviewPage(panel, this.extensionUri, {
      script: vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'),
      style: vscode.Uri.joinPath(this.extensionUri, 'media', 'timeline.css'),
      title: 'Concurrency Timeline',
    });
    this.panel = panel;
    this.ready = false;
    this.panelScope.add(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.panelScope.add(
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.panelScope.clear();
      }),
    );
    // A re-created webview starts empty: give it the last model again once it is ready.
    if (this.model)
      this.queue = [
        traceMessage(this.model, false, (text) => this.log.warn(text)),
        ...this.queue.filter((m) => !isTraceMessage(m)),
      ];
  }

  private post(message: HostMessage): void {
    if (!this.panel || !this.ready) {
      if (message.type === 'progress') this.queue = this.queue.filter((m) => m.type !== 'progress');
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw, this.model?.sources.length ?? 0);
    if (!message) {
      this.log.warn(`Ignored an invalid message from the timeline webview: ${safePreview(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) void this.panel?.webview.postMessage(m);
        break;
      case 'reveal':
        void this.reveal(message.source, message.line, message.preserveFocus);
        break;
      case 'stop':
        this.handlers.onStop();
        break;
      case 'rerun':
        this.handlers.onRerun();
        break;
      case 'export':
        this.handlers.onExport();
        break;
      case 'open':
        this.handlers.onOpen();
        break;
      case 'explore':
        this.handlers.onExplore();
        break;
      case 'image':
        break; // answered through onDidReceiveMessage (requestImage)
      case 'log':
        if (message.level === 'error') this.log.error(`[timeline] ${message.text}`);
        else this.log.info(`[timeline] ${message.text}`);
        break;
    }
    this.messagesEmitter.fire(message);
  }

  /** Shows the traced line in its document and marks it (the replay's "current line"). */
  private async reveal(source: number, line: number, preserveFocus: boolean): Promise<void> {
    const link = this.links[source];
    if (!link) return;
    const docLine = line - 1 + link.lineOffset;
    try {
      const doc = await vscode.workspace.openTextDocument(link.uri);
      if (docLine < 0 || docLine >= doc.lineCount) return;
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === link.uri.toString());
      const editor = await vscode.window.showTextDocument(doc, {
        viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
        preserveFocus,
        preview: false,
      });
      const range = doc.lineAt(docLine).range;
      this.revealing = true;
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      editor.setDecorations(this.replayDecoration, [range]);
    } catch (e) {
      this.log.warn(`Could not reveal ${link.uri.toString()}:${docLine + 1}: ${String(e)}`);
    } finally {
      setTimeout(() => (this.revealing = false), 50);
    }
  }

  private revealing = false;

  /** Moving the cursor in a traced document highlights that line's events in the timeline. */
  private onCursor(e: vscode.TextEditorSelectionChangeEvent): void {
    if (this.revealing || !this.panel || !this.model) return;
    const uri = e.textEditor.document.uri.toString();
    const source = this.links.findIndex((l) => l?.uri.toString() === uri);
    if (source < 0) return;
    const link = this.links[source];
    if (!link) return;
    const line = e.selections[0].active.line - link.lineOffset + 1;
    if (line < 1) return;
    this.post({ type: 'cursor', source, line });
  }
}

function isTraceMessage(m: HostMessage): m is Extract<HostMessage, { live: boolean }> {
  return m.type === 'traceColumns' || m.type === 'traceJson';
}

function safePreview(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 200);
  } catch {
    return typeof raw;
  }
}
