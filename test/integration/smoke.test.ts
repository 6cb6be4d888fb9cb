// The extension inside a real VS Code: it activates, its manifest's commands exist, its snippets insert,
// and a webview can round-trip messages (and, under the code-server harness, be read from the page).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { click, count, screenshot, text, waitFor } from './bridge';
import { closeAll, nextEvent, openUntitled } from './workbench';

const EXTENSION_ID = 'concurrency-lab.python-concurrency-lab';

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title: string }[];
    snippets?: { language: string; path: string }[];
  };
}

/** The part of activate()'s return value this suite observes (the lead's ConcurrencyLabApi). */
interface TimelineObserver {
  timeline?: { onDidReceiveMessage: vscode.Event<{ type: string }> };
}

/** What the smoke webview posts back. */
interface SmokeMessage {
  type: 'ready' | 'echo' | 'pressed';
  text?: string;
  value?: unknown;
}

interface SnippetDefinition {
  prefix: string | string[];
  body: string | string[];
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

/** The text a snippet body is sure to produce: its first line up to the first placeholder or variable. */
export function literalHead(body: string | string[]): string {
  const first = (Array.isArray(body) ? body : body.split('\n'))[0] ?? '';
  const cut = first.search(/(?<!\\)\$/);
  return (cut === -1 ? first : first.slice(0, cut)).replace(/\\([$}\\])/g, '$1').trim();
}

async function freshPythonEditor(): Promise<vscode.TextEditor> {
  const doc = await openUntitled('python', '');
  return vscode.window.showTextDocument(doc);
}

function webviewHtml(nonce: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}';">
</head><body><h1 id="greeting">smoke webview</h1><ul id="items"><li>one</li><li>two</li></ul>
<button id="press">press</button>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.getElementById('press').addEventListener('click', () => vscode.postMessage({ type: 'pressed' }));
  window.addEventListener('message', (e) => vscode.postMessage({ type: 'echo', value: e.data }));
  vscode.postMessage({ type: 'ready', text: document.getElementById('greeting').textContent });
</script></body></html>`;
}

suite('smoke', () => {
  suiteTeardown(closeAll);

  test('the manifest activates lazily (no "*" or onStartupFinished)', () => {
    const events = manifest().activationEvents ?? [];
    assert.ok(
      !events.includes('*') && !events.includes('onStartupFinished'),
      `eager activation events: ${events.join(', ')}`,
    );
  });

  test('the extension activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('every contributed command is registered', async () => {
    await extension().activate();
    const contributed = (manifest().contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('snippets insert into a Python editor', async () => {
    const contribution = (manifest().contributes?.snippets ?? []).find((s) => s.language === 'python');
    if (!contribution) {
      // No snippet file contributed yet: prove at least that snippet insertion works in this VS Code.
      const editor = await freshPythonEditor();
      assert.ok(
        await editor.insertSnippet(new vscode.SnippetString('t = threading.Thread(target=${1:work})\nt.start()')),
      );
      assert.equal(editor.document.getText(), 't = threading.Thread(target=work)\nt.start()');
      return;
    }
    const file = path.join(extension().extensionPath, contribution.path);
    const snippets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, SnippetDefinition>;
    const names = Object.keys(snippets);
    assert.ok(names.length > 0, `${contribution.path} holds no snippets`);
    const wrong: string[] = [];
    const editor = await freshPythonEditor();
    for (const name of names) {
      await editor.edit((b) => b.delete(new vscode.Range(0, 0, editor.document.lineCount, 0)));
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      // By name through the contribution, exactly as a user's keybinding or the palette would.
      await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'python', name });
      const got = editor.document.getText();
      const head = literalHead(snippets[name].body);
      if (got.trim() === '' || !got.includes(head))
        wrong.push(`${name}: expected to contain ${JSON.stringify(head)}, got ${JSON.stringify(got.slice(0, 80))}`);
      // Clearing the text under a live snippet session confuses the snippet controller.
      await vscode.commands.executeCommand('leaveSnippet');
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    assert.deepEqual(wrong, []);
  });

  test('a webview panel opens and posts a message back', async () => {
    const panel = vscode.window.createWebviewPanel('concurrencyLab.smoke', 'Smoke', vscode.ViewColumn.One, {
      enableScripts: true,
    });
    try {
      const messages = panel.webview.onDidReceiveMessage as vscode.Event<SmokeMessage>;
      const ready = nextEvent(messages, (m) => m.type === 'ready');
      panel.webview.html = webviewHtml(Math.random().toString(36).slice(2));
      assert.equal((await ready).text, 'smoke webview');
      const echo = nextEvent(messages, (m) => m.type === 'echo');
      await panel.webview.postMessage({ ping: 42 });
      assert.deepEqual((await echo).value, { ping: 42 });

      // The harness sees the same DOM the user would.
      await waitFor('#items li');
      assert.equal(await text('#greeting'), 'smoke webview');
      assert.equal(await count('#items li'), 2);
      assert.equal(await count('.monaco-workbench', 'page'), 1);
      const pressed = nextEvent(messages, (m) => m.type === 'pressed');
      await click('#press');
      await pressed;
      const png = path.join(os.tmpdir(), `concurrency-lab-smoke-${process.pid}.png`);
      await screenshot(png);
      const bytes = fs.readFileSync(png);
      fs.rmSync(png, { force: true });
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
    } finally {
      panel.dispose();
    }
  });

  test('the Timeline panel opens and its webview reports ready', async () => {
    const api = (await extension().activate()) as TimelineObserver | undefined;
    const timeline = api?.timeline;
    assert.ok(timeline, 'activate() returns no timeline to observe');
    // A panel left open by an earlier test would not say "ready" again.
    await closeAll();
    const ready = nextEvent(timeline.onDidReceiveMessage, (m) => m.type === 'ready');
    await vscode.commands.executeCommand('concurrencyLab.showTimeline');
    await ready;
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some(
        (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('concurrencyLab.timeline'),
      ),
      `no timeline tab among: ${tabs.map((t) => t.label).join(', ')}`,
    );
    await waitFor('[role="toolbar"]');
    await closeAll();
  });
});
