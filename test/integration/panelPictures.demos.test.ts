// The Timeline as a person sees it in VS Code: a few demos run from the real command, the whole window
// screenshotted with the panel narrow (beside the editor, ~420 px) and wide (maximised, ~1400 px). Each
// is checked for what a narrow panel can get wrong: a toolbar on several rows, step-list headers on top
// of each other or past the edge. The pictures go to CONCURRENCY_LAB_PICTURES (else a temp folder,
// removed); with it set every demo is taken in both themes, else each in one (they alternate). One demo is
// also taken beside the editor in a large window: the README's picture (see BESIDE_DEMO).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/host/runController';
import { boxes, FIRST_WEBVIEW_MS, screenshot, setViewport, waitFor, type Box } from './bridge';
import { closeAll } from './workbench';

const THEMES = [
  { id: 'dark', name: 'Default Dark Modern' },
  { id: 'light', name: 'Default Light Modern' },
];
/** Window sizes: narrow puts the panel (half the editor area, no side bar) near 420 px; wide maximises it. */
const NARROW = { width: 900, height: 760 };
const WIDE = { width: 1500, height: 860 };
/** Beside: the panel next to the editor in a large window (~670 px), as the README's picture shows it. */
const BESIDE = { width: 1400, height: 800 };
/** The demo also taken beside the editor: its dark picture is the README's (media/screenshot-vscode.webp). */
const BESIDE_DEMO = 'three-patterns';
const DEMO_IDS = ['three-patterns', 'deadlock', 'race-condition', 'asyncio-cancellation', 'executor-pools'];

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

function overlaps(a: Box, b: Box): boolean {
  return (
    a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5
  );
}

suite('the Timeline panel, narrow and wide, dark and light', function () {
  this.timeout(600_000);
  const keep = process.env.CONCURRENCY_LAB_PICTURES;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lab-pictures-'));
  let themeBefore: string | undefined;

  suiteSetup(async () => {
    themeBefore = vscode.workspace.getConfiguration('workbench').get<string>('colorTheme');
    await closeAll();
  });
  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration('workbench')
      .update('colorTheme', themeBefore, vscode.ConfigurationTarget.Global);
    await setViewport(1400, 900);
    await closeAll();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [t, theme] of THEMES.entries()) {
    for (const [d, id] of DEMO_IDS.entries()) {
      if (!keep && d % THEMES.length !== t) continue;
      test(`${id}, ${theme.id}`, async () => {
        await vscode.workspace
          .getConfiguration('workbench')
          .update('colorTheme', theme.name, vscode.ConfigurationTarget.Global);
        await setViewport(NARROW.width, NARROW.height);
        await vscode.commands.executeCommand('workbench.action.closeSidebar');
        await vscode.commands.executeCommand('workbench.action.closePanel');
        const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.openDemo', id);
        assert.ok(outcome?.model, `the demo ran (refused: ${outcome?.refused ?? '-'})`);
        await waitFor('.steps .step', { timeoutMs: FIRST_WEBVIEW_MS });
        await vscode.commands.executeCommand('notifications.clearAll');
        await settle(1500);

        // Narrow: the panel beside the editor.
        const narrowBody = (await boxes('body'))[0];
        assert.ok(narrowBody && narrowBody.width > 360 && narrowBody.width < 480, `narrow panel ${narrowBody?.width}`);
        await screenshot(path.join(dir, `${id}-${theme.id}-narrow.png`), 'page');
        await checkLayout(`${id} ${theme.id} narrow`, narrowBody.width);

        if (id === BESIDE_DEMO) {
          await setViewport(BESIDE.width, BESIDE.height);
          await settle(1500);
          const besideBody = (await boxes('body'))[0];
          assert.ok(
            besideBody && besideBody.width > 650 && besideBody.width < 900,
            `beside panel ${besideBody?.width}`,
          );
          await screenshot(path.join(dir, `${id}-${theme.id}-beside.png`), 'page');
          await checkLayout(`${id} ${theme.id} beside`, besideBody.width);
        }

        // Wide: the panel's group maximised.
        await setViewport(WIDE.width, WIDE.height);
        await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
        await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
        await settle(1500);
        const wideBody = (await boxes('body'))[0];
        assert.ok(wideBody && wideBody.width > 1300, `wide panel ${wideBody?.width}`);
        await screenshot(path.join(dir, `${id}-${theme.id}-wide.png`), 'page');
        await checkLayout(`${id} ${theme.id} wide`, wideBody.width);
        await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
        await closeAll();
      });
    }
  }
});

/** What a panel of this width must not get wrong (webview coordinates). */
async function checkLayout(what: string, width: number): Promise<void> {
  // The toolbar's visible controls stay on one row: none starts below the first one's bottom.
  const controls = (await boxes('.toolbar > *')).filter((b) => b.width > 0 && b.height > 0);
  assert.ok(controls.length > 0, `${what}: the toolbar shows controls`);
  const firstBottom = Math.min(...controls.map((b) => b.y + b.height));
  const wrapped = controls.filter((b) => b.y >= firstBottom - 1);
  assert.equal(wrapped.length, 0, `${what}: the toolbar wraps to a second row`);
  // Step-list header cells side by side, none on top of another, none past the panel's edge.
  const heads = (await boxes('.steps-header > *')).filter((b) => b.width > 0);
  for (let i = 0; i < heads.length; i++) {
    assert.ok(heads[i].x + heads[i].width <= width + 1, `${what}: step-list header ${i} runs past the edge`);
    for (let j = i + 1; j < heads.length; j++)
      assert.ok(!overlaps(heads[i], heads[j]), `${what}: step-list headers ${i} and ${j} overlap`);
  }
}
