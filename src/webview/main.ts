/** Webview entry: wires the VS Code API to the timeline app. Only validated host messages get through. */
import { isHostMessage, type WebviewMessage } from '../shared/protocol';
import { TimelineApp, type TimelineProbe } from './app';

interface VsCodeApi {
  postMessage(msg: WebviewMessage): void;
  getState?(): unknown;
  setState?(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

declare global {
  interface Window {
    timelineProbe?: TimelineProbe;
  }
}

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('app') ?? document.body;
  const post = (msg: WebviewMessage): void => vscode.postMessage(msg);
  let app: TimelineApp;
  try {
    // The webview state keeps the sizes the user dragged (a stand-in page may not have it).
    const store =
      typeof vscode.getState === 'function' && typeof vscode.setState === 'function'
        ? { get: () => vscode.getState?.(), set: (st: unknown) => vscode.setState?.(st) }
        : undefined;
    app = new TimelineApp(root, post, store);
  } catch (e) {
    post({ type: 'log', level: 'error', text: `timeline failed to start: ${String(e)}` });
    return;
  }
  window.timelineProbe = app.probe();
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    // Marks around the (lazy) deserialisation of the message: the benchmark splits open time with them.
    performance.mark('timeline-message');
    const data = e.data;
    performance.mark('timeline-message-data');
    if (!isHostMessage(data)) return;
    try {
      app.handle(data);
    } catch (err) {
      post({
        type: 'log',
        level: 'error',
        text: `timeline: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      });
    }
  });
  window.addEventListener('error', (e) => post({ type: 'log', level: 'error', text: `timeline: ${e.message}` }));
  post({ type: 'ready' });
}

start();
