// Open Demo in the workspaces users really have: the folder `npm start` opens (media/demos, where every
// demo's file name already exists), and a window with no folder. Each pass (demos, nofolder) runs these
// in its own code-server workspace; remote is covered because every pass runs as web + remote.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/runController';
import { DEMOS } from '../../src/patterns/demos';
import { closeAll } from './workbench';

function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (a save prompt?)`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

export function demoWorkspaceSuite(title: string, checkWorkspace: () => void, demoIds: readonly string[]): void {
  suite(title, function () {
    this.timeout(180_000);
    suiteTeardown(closeAll);

    test('the pass runs in the workspace it is about', checkWorkspace);

    for (const id of demoIds) {
      test(`Open Demo opens and runs ${id}`, async () => {
        const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.openDemo', id);
        const demo = DEMOS.find((d) => d.id === id);
        assert.ok(demo);
        assert.ok(outcome?.model, `the demo ran (refused: ${outcome?.refused ?? '-'})`);
        if (demo.expectsTimeout) assert.equal(outcome.model.error?.code, 'timeout');
        else assert.equal(outcome.model.exitCode, 0, JSON.stringify(outcome.model.error));
        const doc = vscode.window.activeTextEditor?.document;
        assert.ok(
          doc && doc.uri.path.endsWith(`/${demo.file}`),
          `the demo's document is active: ${doc?.uri.toString() ?? 'none'}`,
        );
        assert.equal(doc.isDirty, false, 'a demo document never asks to be saved');
      });
    }

    test('after many Open Demo, Close All asks to save nothing', async () => {
      assert.ok(vscode.window.tabGroups.all.flatMap((g) => g.tabs).length > 0, 'the demos are open');
      assert.deepEqual(
        vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.toString()),
        [],
      );
      // A dirty document would make Close All wait on a save prompt no one answers.
      await withTimeout(vscode.commands.executeCommand('workbench.action.closeAllEditors'), 15_000, 'Close All');
      assert.deepEqual(
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label),
        [],
      );
    });
  });
}
