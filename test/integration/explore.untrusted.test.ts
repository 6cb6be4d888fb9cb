// Workspace trust gates Explore Interleavings like Run: it runs the program, so an untrusted workspace
// gets a reason and nothing runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExploreOutcome } from '../../src/host/exploreController';
import { closeAll } from './workbench';

suite('untrusted workspace: explore', function () {
  this.timeout(60_000);
  teardown(closeAll);

  test('Explore Interleavings is refused and says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'print("must not run")\n' });
    await vscode.window.showTextDocument(doc);
    const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    assert.equal(outcome.summary, undefined);
    assert.match(outcome.refused ?? '', /trusted workspace/);
  });
});
