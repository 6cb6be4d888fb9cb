// What a run proves, in a real VS Code: after Run File with Timeline, the blocked event loop is a
// diagnostic on the blocking line under its own source; an edit moves it with its line or drops it
// when its line changes; the next run replaces it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/runController';
import { closeAll, openUntitled, waitUntil } from './workbench';

const SOURCE = 'Concurrency Lab run';

const PROGRAM = [
  'import asyncio',
  'import time',
  '',
  '',
  'async def stall():',
  '    time.sleep(0.3)',
  '',
  '',
  'async def main():',
  '    await asyncio.gather(stall(), asyncio.sleep(0.01))',
  '',
  '',
  'asyncio.run(main())',
  '',
].join('\n');

function runDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

suite('run findings', function () {
  this.timeout(120_000);
  teardown(closeAll);

  test('a blocked event loop is shown on the blocking line; edits move or drop it; a new run replaces it', async () => {
    const doc = await openUntitled('python', PROGRAM);
    const editor = await vscode.window.showTextDocument(doc);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model?.exitCode, 0, JSON.stringify(outcome.model?.error ?? outcome.refused));
    await waitUntil(() => runDiagnostics(doc.uri).length > 0, 10_000, 'the run diagnostics');
    const [d] = runDiagnostics(doc.uri);
    assert.equal(runDiagnostics(doc.uri).length, 1);
    assert.equal(d.range.start.line, 5);
    assert.equal(d.range.start.character, 4);
    const code = d.code as { value: string; target: vscode.Uri };
    assert.equal(code.value, 'blocked-loop');
    assert.ok(code.target.path.endsWith('/media/findings/blocked-loop.md'), `code link: ${code.target.toString()}`);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /^The event loop was blocked for [\d.]+ m?s by time\.sleep\(0\.3\) in task /);
    // The static check of the same line is there too, under its own source.
    assert.ok(
      vscode.languages.getDiagnostics(doc.uri).some((s) => s.source === 'Concurrency Lab' && s.range.start.line === 5),
    );

    // Two lines added above: the finding moves with its line.
    await editor.edit((e) => e.insert(new vscode.Position(2, 0), '# one\n# two\n'));
    await waitUntil(() => runDiagnostics(doc.uri)[0]?.range.start.line === 7, 5_000, 'the finding to move to line 8');
    // Its own line edited: the trace no longer speaks for it.
    await editor.edit((e) => e.replace(new vscode.Range(7, 4, 7, 19), 'time.sleep(0.2)'));
    await waitUntil(() => runDiagnostics(doc.uri).length === 0, 5_000, 'the finding to be dropped');

    // A run of the fixed program has nothing to say.
    await editor.edit((e) => e.replace(new vscode.Range(7, 4, 7, 19), 'await asyncio.sleep(0.2)'));
    const again = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(again.model?.exitCode, 0, JSON.stringify(again.model?.error));
    assert.deepEqual(runDiagnostics(doc.uri), []);
  });
});
