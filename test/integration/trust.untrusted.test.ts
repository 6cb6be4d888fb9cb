// Runs with workspace trust ON and the workspace untrusted: running must be refused with a clear reason,
// while patterns and demo text keep working.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/runController';
import { closeAll, openUntitled } from './workbench';

suite('untrusted workspace', function () {
  this.timeout(60_000);
  teardown(closeAll);

  test('the workspace really is untrusted in this pass', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('Run File is refused and says why', async () => {
    const doc = await openUntitled('python', 'print("must not run")\n');
    await vscode.window.showTextDocument(doc);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model, undefined);
    assert.match(outcome.refused ?? '', /trusted workspace/);
  });

  test('Open Demo still opens the demo text, but does not run it', async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(
      'concurrencyLab.openDemo',
      'race-condition',
    );
    assert.equal(outcome?.model, undefined);
    assert.match(outcome?.refused ?? '', /trusted workspace/);
    const active = vscode.window.activeTextEditor?.document;
    assert.equal(
      active?.uri.scheme,
      'concurrency-lab-demo',
      `the demo opened read-only (active: ${active?.uri.toString() ?? 'none'})`,
    );
    assert.ok(active.uri.path.endsWith('/race_condition.py'), 'named after the demo');
    assert.match(active.getText(), /threading/);
  });

  test('patterns still insert', async () => {
    const doc = await openUntitled('python', '');
    await vscode.window.showTextDocument(doc);
    const pattern = await vscode.commands.executeCommand<{ prefix: string } | undefined>(
      'concurrencyLab.insertPattern',
      'thread-start',
    );
    assert.equal(pattern?.prefix, 'thread-start');
    assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /threading\.Thread\(/);
  });
});
