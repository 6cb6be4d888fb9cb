/**
 * The canvas's colours at WCAG AA contrast in every theme we ship colours for, read from the page: the
 * colours the renderer draws with (the app's theme, resolved from the --vscode-* variables), each
 * composited on the lane background by a canvas in the page, as the Timeline paints them.
 * Text (lane names, wait and stuck labels): 4.5:1 on the lanes and on the label column.
 * Non-text (state bands, markers, lane colour chips): 3:1 on the lanes (WCAG 1.4.11).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceModel } from '../../src/shared/traceModel';
import { contrastRatio, type Theme } from '../../src/webview/theme';
import { ROOT, openTimeline, postAndPaint, THEMES, type TestTheme } from './harness';
import type { Case } from './timeline.cases';

interface Pair {
  what: string;
  color: string;
  on: string;
  min: number;
}

/** The pairs the canvas draws: [what, colour, background, minimum ratio]. */
function pairs(t: Theme): Pair[] {
  const out: Pair[] = [];
  for (const [bgName, bg] of [
    ['lanes', t.background],
    ['label column', t.laneHeader],
  ] as const) {
    out.push({ what: `foreground text on the ${bgName}`, color: t.foreground, on: bg, min: 4.5 });
    out.push({ what: `muted text on the ${bgName}`, color: t.muted, on: bg, min: 4.5 });
  }
  out.push({ what: 'stuck label (error) text on the lanes', color: t.error, on: t.background, min: 4.5 });
  for (const [role, color] of Object.entries(t.roles))
    out.push({ what: `state / marker colour '${role}' on the lanes`, color, on: t.background, min: 3 });
  t.palette.forEach((color, i) => out.push({ what: `lane colour ${i} on the lanes`, color, on: t.background, min: 3 }));
  return out;
}

export const contrastCases: Case[] = (Object.keys(THEMES) as TestTheme[]).map((theme): Case => ({
  name: `canvas colours at WCAG AA contrast in the ${theme} theme (text 4.5:1, state colours 3:1 on the lanes)`,
  async run({ page: first, server }) {
    const browser = first.context().browser();
    assert.ok(browser);
    const page = await openTimeline(browser, server, { width: 1000, height: 600, theme });
    try {
      const m = JSON.parse(
        readFileSync(join(ROOT, 'test', 'fixtures', 'models', 'deadlock.json'), 'utf8'),
      ) as TraceModel;
      await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(m), live: false });
      const t = await page.evaluate(() => window.timelineProbe?.theme() ?? null);
      assert.ok(t, 'no theme from the page');
      const paints = await page.evaluate((ps) => {
        // Each colour as the canvas paints it: drawn over its background, alpha and all, then read back.
        const c = document.createElement('canvas');
        c.width = c.height = 1;
        const ctx = c.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new Error('no 2d context');
        const painted = (color: string, on: string): number[] => {
          ctx.globalAlpha = 1;
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, 1, 1);
          ctx.fillStyle = on;
          ctx.fillRect(0, 0, 1, 1);
          ctx.fillStyle = color;
          ctx.fillRect(0, 0, 1, 1);
          return Array.from(ctx.getImageData(0, 0, 1, 1).data.slice(0, 3));
        };
        return ps.map((p) => [painted(p.color, p.on), painted(p.on, p.on)]);
      }, pairs(t));
      const ratios = paints.map(([fg, bg]) => contrastRatio(fg, bg));
      const list = pairs(t);
      const bad = list
        .map((p, i) => ({ p, r: ratios[i] }))
        .filter(({ p, r }) => !(r >= p.min))
        .map(({ p, r }) => `${p.what}: ${p.color} on ${p.on} is ${r.toFixed(2)}:1, needs ${p.min}:1`);
      assert.deepEqual(bad, []);
      assert.ok(list.length >= 20, `only ${list.length} colours checked`);
    } finally {
      await page.context().close();
    }
  },
}));
