// The pitfall diagnostics in a real VS Code: shown on open, updated as the user types, quick fixes as code
// actions that leave clean code, and each code linking to its rule page.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWhen, openPython, UNGUARDED } from './pitfallHelpers';
import { closeAll, openUntitled } from './workbench';

suite('pitfall diagnostics', function () {
  this.timeout(60_000);
  teardown(closeAll);

  test('a Python document gets the finding, with severity, source and a link to the rule page', async () => {
    const editor = await openPython(UNGUARDED);
    const [d] = await diagnosticsWhen(editor.document.uri, (ds) => ds.length > 0);
    assert.equal(codeOf(d), 'CL301');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(d.range.start.line, 7);
    assert.match(d.message, /__main__/);
    const target = typeof d.code === 'object' ? d.code.target : undefined;
    if (!target) assert.fail('the code has no link');
    assert.ok(target.path.endsWith('/media/checks/CL301.md'), `code link: ${target.toString()}`);
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    assert.match(page, /^# CL301: /);
  });

  test('typing updates the diagnostics (debounced), and other languages get none', async () => {
    const editor = await openPython('import time\n\n\nasync def tick():\n    pass\n');
    await diagnosticsWhen(editor.document.uri, (ds) => ds.length === 0);
    await editor.edit((e) => e.replace(new vscode.Range(4, 4, 4, 8), 'time.sleep(1)'));
    const [d] = await diagnosticsWhen(editor.document.uri, (ds) => ds.length === 1);
    assert.deepEqual([codeOf(d), d.range.start.line, d.range.start.character], ['CL101', 4, 4]);
    await editor.edit((e) => e.replace(new vscode.Range(4, 4, 4, 17), 'pass'));
    await diagnosticsWhen(editor.document.uri, (ds) => ds.length === 0);
    const text = await openUntitled('plaintext', UNGUARDED);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(vscode.languages.getDiagnostics(text.uri), []);
  });

  test('the quick fix is offered as a code action and leaves the document clean', async () => {
    const editor = await openPython(UNGUARDED);
    const [d] = await diagnosticsWhen(editor.document.uri, (ds) => ds.length > 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title.includes('__main__'));
    assert.ok(fix?.edit, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(editor.document.getText(), /^if __name__ == "__main__":\n {4}p = multiprocessing\.Process/m);
    await diagnosticsWhen(editor.document.uri, (ds) => ds.length === 0);
  });
});
