// The pitfall diagnostics run no Python, so they work in an untrusted workspace too.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWhen, openPython, UNGUARDED } from './pitfallHelpers';
import { closeAll } from './workbench';

suite('pitfall diagnostics, untrusted', function () {
  this.timeout(60_000);
  teardown(closeAll);

  test('findings and their quick fixes appear in an untrusted workspace', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const editor = await openPython(UNGUARDED);
    const [d] = await diagnosticsWhen(editor.document.uri, (ds) => ds.length > 0);
    assert.equal(codeOf(d), 'CL301');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.ok(actions.some((a) => a.title.includes('__main__')));
  });
});
