// End to end in a real VS Code: a demo runs, the Timeline panel shows its lanes, step list and output
// (read from the webview DOM through the harness bridge), and clicking a step reveals its source line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConcurrencyLabApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/runController';
import type { WebviewMessage } from '../../src/shared/protocol';
import { click, count, screenshot, text, waitFor, waitForText } from './bridge';
import { closeAll, openUntitled, waitUntil } from './workbench';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const EXTENSION_ID = 'concurrency-lab.python-concurrency-lab';

suite('timeline end to end', function () {
  this.timeout(120_000);

  test('a demo run shows its lanes, steps and output, and a step click reveals the line', async function () {
    const ext = vscode.extensions.getExtension<ConcurrencyLabApi>(EXTENSION_ID);
    assert.ok(ext);
    const lab = await ext.activate();
    await closeAll(); // toasts from earlier suites would cover the webview
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(
      'concurrencyLab.openDemo',
      'three-patterns',
    );
    const model = outcome?.model;
    assert.ok(model, 'the demo ran');
    assert.equal(model.exitCode, 0, JSON.stringify(model.error));

    // The panel may still show a live snapshot of the run: wait for the finished trace's output.
    const firstStdout = model.output.find((o) => o.stream === 'stdout');
    assert.ok(firstStdout, 'the demo printed');
    await waitForText('.output', new RegExp(escapeRegExp(model.output[model.output.length - 1].text)), {
      timeoutMs: 60_000,
    });
    await waitForText('.output', new RegExp(escapeRegExp(firstStdout.text)));
    const steps = await text('.steps');
    const ownThreads = model.lanes.filter((l) => l.kind === 'thread' && !l.internal);
    assert.ok(ownThreads.length >= 3, `the demo starts threads (lanes: ${model.lanes.map((l) => l.name).join(', ')})`);
    assert.ok(
      model.lanes.some((l) => l.kind === 'task'),
      'asyncio tasks have lanes',
    );
    assert.ok(model.lanes.filter((l) => l.kind === 'process').length >= 3, 'child processes have lanes');
    // The list shows the first steps in order, each with its lane.
    assert.match(steps, /MainThread/);
    assert.ok((await count('.steps .step')) > 5, 'several steps are rendered');

    // Clicking a step with a source line moves the editor there.
    const index = model.steps.findIndex((s) => s.line > 0);
    assert.ok(index >= 0, 'some step has a source line');
    const revealed = new Promise<WebviewMessage>((resolve) => {
      const sub = lab.timeline.onDidReceiveMessage((m) => {
        if (m.type === 'reveal') {
          sub.dispose();
          resolve(m);
        }
      });
    });
    await click(`#step-${index}`);
    const msg = await revealed;
    assert.equal(msg.type === 'reveal' && msg.line, model.steps[index].line);
    // The host reveals the line after the message: wait for the editor to get there.
    const wantLine = model.steps[index].line - 1 + model.lineOffset;
    const demoEditor = (): vscode.TextEditor | undefined =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('three_patterns.py'));
    await waitUntil(
      () => demoEditor()?.selection.active.line === wantLine,
      10_000,
      `the editor to reveal line ${wantLine + 1}`,
    ).catch(() => undefined);
    const editor = demoEditor();
    assert.ok(editor, 'the demo document is visible');
    assert.equal(editor.selection.active.line, wantLine);

    // A picture for the README (set CONCURRENCY_LAB_SCREENSHOT to keep it).
    const png =
      process.env.CONCURRENCY_LAB_SCREENSHOT ?? path.join(os.tmpdir(), `concurrency-lab-e2e-${process.pid}.png`);
    await screenshot(png, 'page');
    assert.equal(fs.readFileSync(png).subarray(1, 4).toString('latin1'), 'PNG');
    if (!process.env.CONCURRENCY_LAB_SCREENSHOT) fs.rmSync(png, { force: true });
  });

  test('the live timeline fills while the program runs, and its Stop button ends the run', async function () {
    await closeAll();
    const doc = await openUntitled(
      'python',
      [
        'import threading, time',
        '',
        'def tick(n):',
        '    print(f"tick {n}", flush=True)',
        '    time.sleep(0.2)',
        '',
        'def ticker():',
        '    for i in range(1000):',
        '        tick(i)',
        '',
        't = threading.Thread(target=ticker, name="ticker")',
        't.start()',
        't.join()',
        '',
      ].join('\n'),
    );
    await vscode.window.showTextDocument(doc);
    const running = vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    await waitFor('button[aria-label="Stop the run"]', { timeoutMs: 20_000, state: 'visible' });
    // A live snapshot reaches the list before the program ends.
    await waitFor('.steps .step', { timeoutMs: 20_000 });
    // The output pane fills when its own message arrives, after the first steps: wait for the line.
    await waitForText('.output', /tick 0/, { timeoutMs: 20_000 });
    // The thread's lane is there while the program runs (it would run for 200 s: the stop below proves it).
    await waitForText('select[aria-label="Filter by lane"]', /ticker/, { timeoutMs: 20_000 });
    await waitForText('.steps', /ticker/, { timeoutMs: 20_000 });
    await click('button[aria-label="Stop the run"]');
    const outcome = await running;
    assert.equal(outcome.model?.error?.code, 'cancelled');
    assert.ok((outcome.model?.output.length ?? 0) >= 1, 'what ran before the stop is kept');
    await waitFor('button[aria-label="Stop the run"]', { timeoutMs: 10_000, state: 'hidden' });
  });
});
