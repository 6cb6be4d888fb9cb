// Explore Interleavings end to end inside a real VS Code: the command on a file, a selection and the
// read-only demos; the outcome table webview; races and deadlocks on the editor lines; Open in Timeline
// and Compare replaying schedules traced; cancel ending the explorer's whole process tree.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConcurrencyLabApi } from '../../src/extension';
import { EXPLORER_SOURCE, type ExploreOutcome } from '../../src/host/exploreController';
import type { RunOutcome } from '../../src/host/runController';
import { raceSentences } from '../../src/shared/raceText';
import { click, count, countInView, screenshot, setViewport, waitForText } from './bridge';
import { closeAll, waitUntil } from './workbench';

const EXTENSION_ID = 'concurrency-lab.python-concurrency-lab';

async function api(): Promise<ConcurrencyLabApi> {
  const ext = vscode.extensions.getExtension<ConcurrencyLabApi>(EXTENSION_ID);
  assert.ok(ext, 'extension not loaded');
  return ext.activate();
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lab-explore-it-'));

// A lost update that 30 natural runs don't show: the read and the write of balance are two steps.
const LOST_UPDATE = [
  'import threading',
  '',
  'class Account:',
  '    def __init__(self):',
  '        self.balance = 0',
  '',
  'def deposit(acct):',
  '    x = acct.balance',
  '    acct.balance = x + 10',
  '',
  'acct = Account()',
  'ts = [threading.Thread(target=deposit, args=(acct,), name=f"t{i}") for i in range(2)]',
  'for t in ts: t.start()',
  'for t in ts: t.join()',
  'print("balance", acct.balance)',
  '',
].join('\n');

async function openScratch(name: string, text: string): Promise<vscode.TextEditor> {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
}

function explorerDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === EXPLORER_SOURCE);
}

/** Processes whose command line mentions `needle` (the explorer server and its forked schedules). */
function processesMentioning(needle: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

/**
 * CONCURRENCY_LAB_PICTURES=<dir>: the window with the Timeline as it is now, beside the editor (~670 px) and
 * its group maximised (~1500 px), dark and light, to look at (`<name>-<theme>-<beside|wide>.png`).
 */
async function pictures(name: string, timeline: { show(preserveFocus?: boolean): void }): Promise<void> {
  const dir = process.env.CONCURRENCY_LAB_PICTURES;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const cfg = vscode.workspace.getConfiguration('workbench');
  for (const [theme, id] of [
    ['Default Dark Modern', 'dark'],
    ['Default Light Modern', 'light'],
  ]) {
    await cfg.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('notifications.clearAll');
    await setViewport(1400, 800);
    timeline.show(false);
    await settle(1500);
    await screenshot(path.join(dir, `${name}-${id}-beside.png`), 'page');
    await setViewport(1500, 860);
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
    await settle(1500);
    await screenshot(path.join(dir, `${name}-${id}-wide.png`), 'page');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
  }
  await cfg.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  await setViewport(1400, 900);
}

/** Clicks the Timeline hint's "Explore other schedules…" and waits for that exploration's outcome. */
async function exploreFromHint(): Promise<ExploreOutcome> {
  const { explorer } = await api();
  const explored = new Promise<ExploreOutcome>((resolve) => {
    const sub = explorer.onDidFinish((o) => {
      sub.dispose();
      resolve(o);
    });
  });
  await click('.hint-action');
  const o = await explored;
  assert.equal(o.error, undefined, o.error);
  return o;
}

suite('explore', function () {
  this.timeout(180_000);
  suiteTeardown(async () => {
    await closeAll();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  teardown(closeAll);

  test('Explore Interleavings on a file: outcomes, the race in the table and on both lines, cleared by an edit', async () => {
    const editor = await openScratch('lost_update.py', LOST_UPDATE);
    const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    assert.equal(outcome.error, undefined, outcome.error);
    const s = outcome.summary!;
    assert.ok(s.runs >= 1);
    assert.deepEqual([...new Set(s.races.map((r) => r.target))], ['Account.balance']);
    assert.ok(
      s.outcomes.some((o) => o.stdout === 'balance 10\n'),
      `the lost update is an outcome: ${JSON.stringify(s.outcomes)}`,
    );
    assert.ok(s.outcomes.some((o) => o.stdout === 'balance 20\n'));
    // diagnostics on both accesses (lines 8 and 9), each pointing at the other
    const diags = explorerDiagnostics(editor.document.uri);
    assert.deepEqual([...new Set(diags.map((d) => d.range.start.line + 1))].sort(), [8, 9]);
    for (const d of diags) {
      assert.match(d.message, /Data race on Account\.balance/);
      assert.ok(d.relatedInformation?.length, 'related information links the other access');
      // (the other access: of a read/write race, the other line; of a write/write race, the same statement in the other thread)
      assert.ok(
        [8, 9].includes(d.relatedInformation[0].location.range.start.line + 1),
        d.relatedInformation[0].message,
      );
      assert.match(d.relatedInformation[0].message, /^the other access: (read|write) of Account\.balance by t[01]$/);
      assert.equal(d.relatedInformation[0].location.uri.toString(), editor.document.uri.toString());
    }
    // the table, as the user sees it
    const { explorer } = await api();
    assert.equal(explorer.panel.visibleTable?.races[0].target, 'Account.balance');
    await waitForText('.summary', /\d+ schedules? · [23] distinct outcomes · [12] races?/, { timeoutMs: 20_000 });
    await waitForText(
      'ul.races',
      /Account\.balance: (read|write) by t[01] at lost_update\.py:[89] vs (read|write) by t[01] at lost_update\.py:[89]/,
    );
    assert.ok((await count('table.outcomes tbody tr')) >= 2);
    assert.ok((await count('button')) >= 4, 'buttons are focusable controls');
    // the editor's side panel is narrow: every row's button is still wholly visible, not cut off
    const rows = await count('table.outcomes tbody tr');
    assert.equal(await countInView('td.open button'), rows, 'each outcome row shows its Open in Timeline button');
    // CONCURRENCY_LAB_SCREENSHOTS=<dir>: pictures of the table in a dark and a light theme, to look at
    const shots = process.env.CONCURRENCY_LAB_SCREENSHOTS;
    if (shots) {
      const { screenshot } = await import('./bridge');
      const cfg = vscode.workspace.getConfiguration();
      // the test profile's default theme is not dark: name both themes
      for (const [theme, name] of [
        ['Default Dark Modern', 'dark'],
        ['Default Light Modern', 'light'],
      ]) {
        await cfg.update('workbench.colorTheme', theme, vscode.ConfigurationTarget.Global);
        await new Promise((r) => setTimeout(r, 1500));
        await screenshot(path.join(shots, `explore-table-${name}.png`));
        await screenshot(path.join(shots, `explore-page-${name}.png`), 'page');
      }
      await cfg.update('workbench.colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
    // an edit makes the lines stale: the findings go
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
    await waitUntil(
      () => explorerDiagnostics(editor.document.uri).length === 0,
      5_000,
      'diagnostics cleared by the edit',
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test("Open in Timeline replays the outcome's seed traced; Compare shows two schedules marked where they part", async () => {
    await openScratch('lost_update2.py', LOST_UPDATE);
    const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    const s = outcome.summary!;
    const lost = s.outcomes.find((o) => o.stdout === 'balance 10\n')!;
    const right = s.outcomes.find((o) => o.stdout === 'balance 20\n')!;
    const { explorer, timeline } = await api();
    // the user's way: the row's button in the table
    const opened = new Promise<void>((resolve) => {
      const sub = timeline.onDidReceiveMessage((m) => {
        if (m.type === 'painted' && !m.live && timeline.currentModel?.title.includes(`seed ${lost.seed}`)) {
          sub.dispose();
          resolve();
        }
      });
    });
    await click(`tr[data-seed="${lost.seed}"] button`);
    await opened;
    const model = timeline.currentModel!;
    assert.match(model.title, new RegExp(`lost_update2\\.py · seed ${lost.seed}`));
    assert.deepEqual(
      model.lanes
        .filter((l) => l.kind === 'thread')
        .map((l) => l.name)
        .sort(),
      ['MainThread', 't0', 't1'],
    );
    assert.deepEqual(
      model.output.filter((o) => o.stream === 'stdout').map((o) => o.text),
      ['balance 10'],
      'the replay prints what the outcome printed',
    );
    assert.ok(
      model.markers.some((m) => m.kind === 'sched_pick'),
      "the explorer's switches are in the Timeline",
    );
    // the race the detector proved in this schedule: in the model, its two accesses marked on t0 and t1
    const races = model.races ?? [];
    assert.ok(races.length > 0, 'the lost update shows its race');
    for (const r of races) {
      assert.equal(r.target, 'Account.balance');
      assert.deepEqual(r.accesses.map((a) => model.lanes[a.lane].name).sort(), ['t0', 't1']);
      for (const a of r.accesses) assert.equal(model.markers[a.marker].kind, 'shared_access');
    }

    const c = (await explorer.compare(lost.seed, right.seed))!;
    assert.ok(c.model, c.error);
    assert.equal(timeline.currentModel, c.model);
    await pictures('compare-after-explore', timeline);
    // The lost update is no failure to the explorer, but its race is proven: "racy", never "passing".
    const sides = c.model.lanes.filter((l) => l.kind === 'process').map((l) => l.name.replace(/ \(pid \d+\)$/, ''));
    assert.equal(sides[0], `A · seed ${lost.seed} (racy)`);
    assert.match(sides[1], new RegExp(`^B · seed ${right.seed} \\((racy|passing)\\)$`));
    // The banner's races say in which schedule they were proven (both have lanes t0 and t1).
    const said = raceSentences(c.model);
    const lostName = `In A · seed ${lost.seed} (racy): data race on Account.balance`;
    assert.ok(
      said.some((x) => x.startsWith(lostName)),
      said.join('\n'),
    );
    assert.ok(
      said.every((x) => /^In [AB] · seed \d+ \(racy\): data race on /.test(x)),
      said.join('\n'),
    );
    const parts = c.model.markers.filter((m) => m.kind === 'sched_pick' && m.detail.parts === 'true');
    assert.equal(parts.length, 2);
    assert.ok(c.partsAt !== undefined);
    assert.deepEqual(
      c.model.output
        .filter((o) => o.stream === 'stdout')
        .map((o) => o.text)
        .sort(),
      ['balance 10', 'balance 20'],
    );
  });

  test('after a plain Run of threads that share state, the Timeline offers Explore; its button explores that file', async () => {
    await openScratch('lost_update3.py', LOST_UPDATE);
    const run = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(run.model?.exitCode, 0, JSON.stringify(run.model?.error ?? run.refused));
    await waitForText(
      '.hint .hint-text',
      /^This run shows one schedule: in this file .*\. Explore runs other schedules to find one that breaks it\.$/,
      {
        timeoutMs: 30_000,
      },
    );
    await pictures('explore-hint', (await api()).timeline);
    const o = await exploreFromHint();
    assert.ok(
      o.summary?.races.some((r) => r.target === 'Account.balance'),
      'the exploration of that file found its lost update',
    );
  });

  test('after a Run that a race broke (its assertion failed), the Timeline offers Explore, worded for the failure', async () => {
    // Two deposits of 10 are asserted to make 30: the run ends in the program's own AssertionError.
    await openScratch(
      'lost_update_assert.py',
      LOST_UPDATE.replace(/\n$/, '\nassert acct.balance == 30, acct.balance\n'),
    );
    const run = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(run.model?.error?.code, 'uncaught-exception', JSON.stringify(run.model?.error ?? run.refused));
    await waitForText(
      '.hint .hint-text',
      /^This run failed in one schedule: in this file .*\. Explore runs other schedules to tell which ones fail\.$/,
      { timeoutMs: 30_000 },
    );
    await pictures('explore-hint-failed', (await api()).timeline);
  });

  test('after the deadlock demo is stopped at its time limit, the Timeline offers Explore, worded for the deadlock; its button finds it', async () => {
    const run = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.openDemo', 'deadlock');
    assert.equal(run?.model?.error?.code, 'timeout', JSON.stringify(run?.model?.error ?? run?.refused));
    await waitForText(
      '.hint .hint-text',
      /^This run deadlocked in one schedule: alice and bob share 2 Locks and one Barrier\. Explore runs other schedules to tell which ones deadlock\.$/,
      { timeoutMs: 30_000 },
    );
    await pictures('explore-hint-deadlock', (await api()).timeline);
    const o = await exploreFromHint();
    assert.ok(
      o.summary?.deadlocks.some((d) => d.cycle.map((c) => c.lane).join() === 'alice,bob'),
      JSON.stringify(o.summary?.deadlocks),
    );
  });

  test("Explore on a selection explores just those lines, diagnostics at the editor's line numbers", async () => {
    const editor = await openScratch(
      'selection.py',
      ['print("not selected")', '', ...LOST_UPDATE.split('\n')].join('\n'),
    );
    editor.selection = new vscode.Selection(2, 0, 17, 0);
    const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    const s = outcome.summary!;
    assert.ok(
      s.outcomes.every((o) => !o.stdout.includes('not selected')),
      JSON.stringify(s.outcomes),
    );
    assert.deepEqual(
      [...new Set(explorerDiagnostics(editor.document.uri).map((d) => d.range.start.line + 1))].sort(),
      [10, 11],
    );
  });

  test('Cancel ends the explorer and every schedule process; nothing is left behind', async () => {
    // each schedule spins for a while: the exploration would take minutes
    await openScratch(
      'slow_explore.py',
      [
        'import threading',
        'def spin():',
        '    n = 0',
        '    for i in range(3_000_000): n += i',
        'ts = [threading.Thread(target=spin) for _ in range(2)]',
        'for t in ts: t.start()',
        'for t in ts: t.join()',
        '',
      ].join('\n'),
    );
    const { explorer } = await api();
    const running = vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
    await waitUntil(
      () => processesMentioning('slow_explore.py').length >= 2,
      30_000,
      'the explorer and a schedule running',
    );
    assert.ok(explorer.stop());
    const outcome = await running;
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.error, undefined);
    await waitUntil(() => processesMentioning('slow_explore.py').length === 0, 10_000, 'every explorer process gone');
  });

  for (const [id, file, expect] of [
    ['race-condition', 'race_condition.py', 'race'],
    ['deadlock', 'deadlock.py', 'deadlock'],
  ] as const) {
    test(`the ${id} demo's Explore step finds its bug on the read-only demo document`, async () => {
      const doc = await vscode.workspace.openTextDocument(
        vscode.Uri.from({ scheme: 'concurrency-lab-demo', path: `/${file}` }),
      );
      await vscode.window.showTextDocument(doc);
      assert.match(
        doc.getText(),
        /Explore step: right-click > Explore Interleavings\.\.\./,
        'the demo tells the user the step',
      );
      const started = Date.now();
      const outcome = await vscode.commands.executeCommand<ExploreOutcome>('concurrencyLab.exploreInterleavings');
      const s = outcome.summary!;
      assert.ok(s.runs <= 20, `a demo explores a few schedules (${s.runs})`);
      const diags = explorerDiagnostics(doc.uri);
      if (expect === 'race') {
        assert.ok(
          s.races.some((r) => r.target === 'Counter.value'),
          JSON.stringify(s.races),
        );
        assert.ok(outcome.records[0].races.length > 0, 'found in the first schedule');
        assert.ok(
          diags.some(
            (d) =>
              d.range.start.line + 1 ===
              doc
                .getText()
                .split('\n')
                .findIndex((l) => l.includes('current = counter.value  # read')) +
                1,
          ),
        );
      } else {
        assert.ok(
          s.outcomes.some((o) => o.failure?.kind === 'deadlock'),
          JSON.stringify(s.outcomes),
        );
        assert.ok(
          diags.some((d) => d.code === 'deadlock' && d.severity === vscode.DiagnosticSeverity.Error),
          JSON.stringify(diags.map((d) => d.message)),
        );
      }
      console.log(`explore ${id}: ${s.runs} schedules in ${Date.now() - started} ms`);
    });
  }
});
