// The status bar names the Python that runs programs, and follows the setting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { text, waitFor } from './bridge';
import { closeAll, openUntitled } from './workbench';

const ITEM = '[id$="concurrencyLab.interpreter"]';

async function statusText(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    last = await text(ITEM, 'page').catch(() => '');
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`status bar item never matched ${pattern}: last text ${JSON.stringify(last)}`);
}

suite('interpreter status bar', function () {
  this.timeout(60_000);
  teardown(async () => {
    await vscode.workspace
      .getConfiguration('concurrencyLab')
      .update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    await closeAll();
  });

  test('shows the Python version for a Python editor and warns when the setting is wrong', async function () {
    await vscode.commands.executeCommand('concurrencyLab.showTimeline'); // activates the extension
    const doc = await openUntitled('python', 'print(1)\n');
    await vscode.window.showTextDocument(doc);
    await waitFor(ITEM, { target: 'page', timeoutMs: 10_000 });
    assert.match(await statusText(/Py 3\.\d+/), /Py 3\.\d+/);
    await vscode.workspace
      .getConfiguration('concurrencyLab')
      .update('pythonPath', '/nonexistent/python', vscode.ConfigurationTarget.Global);
    assert.match(await statusText(/no Python/), /no Python/);
  });
});
