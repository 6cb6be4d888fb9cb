// Workspace trust gates Explore Interleavings like Run: it runs the program, so an untrusted workspace
// gets a reason and nothing runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExploreOutcome } from '../../src/host/exploreController';
import { closeAll } from './workbench';

suite('untrusted workspace: explore', function () {
  this.timeout(60_000);
  teardown(closeAll);

  test('Explore Interleavings is refused and says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    // a file, not an untitled document: a closed untitled document's URI is handed out again while the
    // extension host still holds the old one, and the next suite's untitled document would get its text
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lab-explore-untrusted-'));
    const file = path.join(dir, 'must_not_run.py');
    fs.writeFileSync(file, 'print("must not run")\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    assert.equal(outcome.summary, undefined);
    assert.match(outcome.refused ?? '', /trusted workspace/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
