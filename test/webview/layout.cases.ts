/**
 * Browser tests of the Timeline's layout and reading aids: arrows (selection only, bundled, ending on
 * folded rows with a count), the wait-for graph of a deadlock, a one-row toolbar at 400 px, draggable
 * and remembered splits, replay followed by the output, and text contrast in every theme.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TraceModel } from '../../src/shared/traceModel';
import { contrastRatio } from '../../src/webview/theme';
import { ROOT, canvasPoint, frames, openTimeline, pixel, postAndPaint, waitPaint } from './harness';
import { ModelBuilder } from './modelBuilder';
import { demoModel } from './models';
import type { Case } from './timeline.cases';

const MS = 1e6;

async function load(page: Page, model: TraceModel): Promise<void> {
  await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live: false });
}

type FlowStats = ReturnType<NonNullable<Window['timelineProbe']>['flows']>;

async function flows(page: Page): Promise<FlowStats> {
  const f = await page.evaluate(() => window.timelineProbe?.flows() ?? null);
  assert.ok(f, 'no probe');
  return f;
}

/** Waits for the next frame, then returns its arrows. */
async function flowsAfter(page: Page, act: () => Promise<void>): Promise<FlowStats> {
  const f = await frames(page);
  await act();
  await waitPaint(page, f);
  return flows(page);
}

/**
 * One producer thread puts five items within half a millisecond; five asyncio tasks on another thread
 * each get one, 10 ms apart: the fan-out the issue describes. Lanes: process, producer, loop, c0…c4.
 */
function fanOutModel(): { model: TraceModel; gets: number[] } {
  const b = new ModelBuilder('fanout.py');
  const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 10 });
  const prod = b.lane({ kind: 'thread', name: 'producer', parent: proc, pid: 10, tid: 1 });
  const loop = b.lane({ kind: 'thread', name: 'loop', parent: proc, pid: 10, tid: 2 });
  const tasks = [0, 1, 2, 3, 4].map((i) =>
    b.lane({ kind: 'task', name: `c${i}`, parent: loop, pid: 10, tid: 2, task: i + 1 }),
  );
  b.span(prod, 'producer', 1 * MS, 12 * MS, { cpu: 1 * MS });
  b.span(loop, 'main', 1 * MS, 100 * MS, { cpu: 1 * MS });
  const gets: number[] = [];
  tasks.forEach((t, i) => {
    b.span(t, `consume${i}`, 2 * MS, 100 * MS, { cpu: 1 * MS });
    const put = b.marker(prod, 'queue_put', 10 * MS + i * 0.1 * MS, `put item ${i} into jobs`);
    const get = b.marker(t, 'queue_get', 40 * MS + i * 10 * MS, `get item ${i} from jobs`);
    b.flow('put', put, get);
    gets.push(get);
  });
  const model = b.build();
  return { model, gets: gets.map((g) => model.steps.findIndex((s) => s.ref.type === 'marker' && s.ref.index === g)) };
}

function recorded(name: string): TraceModel {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'models', name), 'utf8')) as TraceModel;
}

/**
 * Defines `window.__colours(el)`: an element's text colour and its background as the page composites
 * them (alpha and opacity over the backgrounds beneath), as [r, g, b]. The ratio is computed in Node
 * by theme.contrastRatio, the formula's one home.
 */
function contrastScript(): string {
  return `(() => {
    const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null; const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
    const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
    const bgOf = (el) => { const stack = []; for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c[3] > 0) { stack.push(c); if (c[3] >= 1) break; } } let base = [255, 255, 255]; for (let i = stack.length - 1; i >= 0; i--) base = over(stack[i], base); return base; };
    const opacityOf = (el) => { let o = 1; for (let n = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
    window.__colours = (el) => { const bg = bgOf(el); const fg0 = parse(getComputedStyle(el).color); const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacityOf(el)], bg); return { fg, bg }; };
  })()`;
}

/** WCAG 2 contrast ratio of an element's text on its background, as the page paints them. */
async function contrastOf(page: Page, selector: string): Promise<number> {
  const { fg, bg } = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    return (window as unknown as { __colours(e: Element): { fg: number[]; bg: number[] } }).__colours(el);
  }, selector);
  return contrastRatio(fg, bg);
}

export const layoutCases: Case[] = [
  {
    name: 'arrows: none until a step is selected, then that step’s; the toggle shows all; a fan-out is one trunk',
    async run({ page }) {
      const { model, gets } = fanOutModel();
      await load(page, model);
      assert.equal((await flows(page)).arrows, 0, 'arrows drawn with nothing selected');
      // Selecting c2's get shows its arrow (and at most its neighbours'), not all five.
      const sel = await flowsAfter(page, () =>
        page.evaluate((s) => document.querySelector<HTMLElement>(`.step[data-step="${s}"]`)?.click(), gets[2]),
      );
      assert.ok(sel.arrows >= 1 && sel.arrows < 5, `selection drew ${sel.arrows} arrows`);
      assert.ok(
        sel.ends.some((e) => e.row === 5),
        `no arrow ends on c2's row: ${JSON.stringify(sel.ends)}`,
      );
      const all = await flowsAfter(page, () => page.click('button[aria-label="Show all flow arrows"]'));
      assert.equal(await page.getAttribute('button[aria-label="Show all flow arrows"]', 'aria-pressed'), 'true');
      assert.equal(all.arrows, 5);
      // Five puts within half a millisecond leave from one place: one trunk, five branches.
      assert.equal(all.trunks, 1);
    },
  },
  {
    name: 'arrows never end on a folded lane: they end on the folded row, with a count',
    async run({ page }) {
      const { model } = fanOutModel();
      await load(page, model);
      await page.click('button[aria-label="Show all flow arrows"]');
      // Fold the loop thread (the third row) by its ▾ in the gutter: its five tasks fold into it.
      const before = await page.evaluate(() => window.timelineProbe?.rowCount() ?? 0);
      const y = await page.evaluate(() => window.timelineProbe?.rowTop(2) ?? -1);
      const pt = await canvasPoint(page, 8 + 12 + 2, y + 8);
      const f = await flowsAfter(page, async () => {
        await page.mouse.click(pt.x, pt.y);
        await page.waitForFunction((n) => (window.timelineProbe?.rowCount() ?? 0) < n, before);
      });
      assert.ok(f.arrows >= 1);
      assert.ok(
        f.ends.every((e) => e.row === 2 && e.group),
        `arrows end elsewhere: ${JSON.stringify(f.ends)}`,
      );
      assert.equal(
        f.ends.reduce((n, e) => n + e.count, 0),
        5,
        'the counts add up to the hand-offs',
      );
    },
  },
  {
    name: 'a deadlock draws its wait-for graph on the canvas: each stuck lane points at the holder, the cycle in red',
    async run({ page }) {
      const m = recorded('deadlock.json');
      await load(page, m);
      const g = await page.evaluate(() => window.timelineProbe?.waits() ?? []);
      const name = (lane: number): string => m.lanes[lane].name;
      const cycle = g
        .filter((e) => e.cycle)
        .map((e) => `${name(e.waiter)}→${name(e.holder)}`)
        .sort();
      assert.deepEqual(cycle, ['alice→bob', 'bob→alice']);
      // The arrowhead on the holder's row is drawn in the error colour.
      const red = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--vscode-editorError-foreground').trim(),
      );
      const want = [1, 3, 5].map((i) => parseInt(red.slice(i, i + 2), 16));
      for (const e of g.filter((x) => x.cycle)) {
        const at = await pixel(page, e.x, e.headY);
        assert.ok(
          Math.abs(at[0] - want[0]) + Math.abs(at[1] - want[1]) + Math.abs(at[2] - want[2]) < 80,
          `head of ${name(e.waiter)}→${name(e.holder)} is ${at.join()}`,
        );
      }
    },
  },
  {
    name: 'at 400 px the toolbar is one row: the rest is in the ⋯ menu, status text moves nothing, headers do not overlap',
    async run({ page: wide, server }) {
      const page = await openTimeline(
        wide.context().browser() ??
          (() => {
            throw new Error('no browser');
          })(),
        server,
        { width: 400, height: 700 },
      );
      try {
        const m = demoModel();
        await load(page, m);
        const bar = await page.evaluate(() => {
          const t = document.querySelector('.toolbar') as HTMLElement;
          return { h: t.getBoundingClientRect().height, sw: t.scrollWidth, cw: t.clientWidth };
        });
        assert.ok(bar.h < 40, `toolbar is ${bar.h} px tall`);
        assert.ok(bar.sw <= bar.cw + 1, `toolbar overflows: ${bar.sw} > ${bar.cw}`);
        assert.ok(await page.isVisible('button[aria-label="More actions"]'));
        // Everything that left the row is in the menu, and works from there.
        await page.click('button[aria-label="More actions"]');
        assert.ok(await page.isVisible('.overflow-menu button[aria-label="Export the trace (Chrome trace JSON)"]'));
        await page.click('.overflow-menu button[aria-label="Export the trace (Chrome trace JSON)"]');
        assert.ok(
          (
            await page.evaluate(() =>
              (window as unknown as { __posted: { type: string }[] }).__posted.map((x) => x.type),
            )
          ).includes('export'),
        );
        await page.keyboard.press('Escape');
        // Status text appearing (a search) must not move the buttons.
        const where = (): Promise<number[]> =>
          page.evaluate(() =>
            Array.from(document.querySelectorAll('.toolbar > .btn, .toolbar .group .btn')).map((b) =>
              Math.round(b.getBoundingClientRect().x),
            ),
          );
        const before = await where();
        await page.fill('input[type=search]', 'worker');
        await page.press('input[type=search]', 'Enter');
        await page.waitForFunction(() => (document.querySelector('.status')?.textContent ?? '') !== '');
        assert.deepEqual(await where(), before);
        assert.ok(
          (await page.evaluate(() => document.querySelector('.toolbar')?.getBoundingClientRect().height ?? 99)) < 40,
        );
        // Step-list header cells: side by side, none overlapping the next, each text fits.
        const cells = await page.evaluate(() =>
          Array.from(document.querySelectorAll('.steps-header > span')).map((s) => {
            const r = s.getBoundingClientRect();
            return {
              x: r.x,
              r: r.right,
              fits:
                (s as HTMLElement).scrollWidth <= (s as HTMLElement).clientWidth + 1 || s.classList.contains('lane'),
              text: s.textContent,
            };
          }),
        );
        for (let i = 1; i < cells.length; i++)
          assert.ok(cells[i].x >= cells[i - 1].r - 0.5, `header ${cells[i - 1].text} overlaps ${cells[i].text}`);
        assert.ok(
          cells.every((c) => c.fits),
          `header text cut: ${JSON.stringify(cells)}`,
        );
      } finally {
        await page.context().close();
      }
    },
  },
  {
    name: 'splits drag (canvas | list, list | output, LANE column) and are remembered in the webview state',
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      const page = await openTimeline(browser, server, { width: 1280, height: 800 });
      let state: unknown;
      try {
        await load(page, demoModel());
        const h0 = await page.evaluate(
          () => document.querySelector('.canvas-wrap')?.getBoundingClientRect().height ?? 0,
        );
        const bar = await page.locator('.splitter.horizontal').first().boundingBox();
        assert.ok(bar);
        await page.mouse.move(bar.x + 200, bar.y + 2);
        await page.mouse.down();
        await page.mouse.move(bar.x + 200, bar.y + 2 + 120, { steps: 4 });
        await page.mouse.up();
        const h1 = await page.evaluate(
          () => document.querySelector('.canvas-wrap')?.getBoundingClientRect().height ?? 0,
        );
        assert.ok(Math.abs(h1 - (h0 + 120)) <= 4, `canvas ${h0} → ${h1}, want +120`);
        // List | output, from the keyboard.
        const w0 = await page.evaluate(() => document.querySelector('.steps-pane')?.getBoundingClientRect().width ?? 0);
        await page.focus('.bottom > .splitter');
        for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
        const w1 = await page.evaluate(() => document.querySelector('.steps-pane')?.getBoundingClientRect().width ?? 0);
        assert.ok(Math.abs(w1 - (w0 - 64)) <= 4, `list ${w0} → ${w1}, want −64`);
        // The LANE column, by its header handle.
        const handle = await page.locator('.col-resizer').boundingBox();
        assert.ok(handle);
        const lane0 = await page.evaluate(
          () => document.querySelector('.step .lane')?.getBoundingClientRect().width ?? 0,
        );
        await page.mouse.move(handle.x + 2, handle.y + handle.height / 2);
        await page.mouse.down();
        await page.mouse.move(handle.x + 2 + 60, handle.y + handle.height / 2, { steps: 3 });
        await page.mouse.up();
        const lane1 = await page.evaluate(
          () => document.querySelector('.step .lane')?.getBoundingClientRect().width ?? 0,
        );
        assert.ok(Math.abs(lane1 - (lane0 + 60)) <= 4, `lane column ${lane0} → ${lane1}, want +60`);
        state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
      } finally {
        await page.context().close();
      }
      // A new page given that state opens with the same sizes.
      const again = await openTimeline(browser, server, { width: 1280, height: 800, state });
      try {
        await load(again, demoModel());
        const prefs = (state as { prefs: { canvasPx: number; listWidthPx: number; laneColPx: number } }).prefs;
        const got = await again.evaluate(() => ({
          canvas: document.querySelector('.canvas-wrap')?.getBoundingClientRect().height ?? 0,
          list: document.querySelector('.steps-pane')?.getBoundingClientRect().width ?? 0,
          lane: document.querySelector('.step .lane')?.getBoundingClientRect().width ?? 0,
        }));
        assert.ok(Math.abs(got.canvas - prefs.canvasPx) <= 2, `canvas ${got.canvas} vs ${prefs.canvasPx}`);
        assert.ok(Math.abs(got.list - prefs.listWidthPx) <= 2, `list ${got.list} vs ${prefs.listWidthPx}`);
        assert.ok(Math.abs(got.lane - prefs.laneColPx) <= 2, `lane ${got.lane} vs ${prefs.laneColPx}`);
      } finally {
        await again.context().close();
      }
    },
  },
  {
    name: "the canvas's label column resizes by drag, keys and double-click (fits the longest name), cuts names with the whole one on hover, and is remembered",
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      const LONG = 'worker-thread-that-consumes-the-jobs-queue (consume_jobs)';
      const b = new ModelBuilder('names.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 10 });
      const main = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 10, tid: 1 });
      const long = b.lane({ kind: 'thread', name: LONG, parent: proc, pid: 10, tid: 2 });
      b.span(main, 'main', 1 * MS, 50 * MS, { cpu: 1 * MS });
      b.span(long, 'consume_jobs', 2 * MS, 40 * MS, { cpu: 1 * MS });
      const model = b.build();
      const longRow = 2;
      const gutter = (p: Page): Promise<number> => p.evaluate(() => window.timelineProbe?.gutterW() ?? -1);
      const divider = async (p: Page): Promise<number> => {
        const box = await p.locator('.label-resizer').boundingBox();
        const canvas = await p.locator('canvas').boundingBox();
        assert.ok(box && canvas, 'no label column divider');
        return box.x + box.width / 2 - canvas.x;
      };
      /** The hover card's text after moving the pointer over the label of a layout row ('' if hidden). */
      const hoverLabel = async (p: Page, row: number): Promise<string> => {
        const top = await p.evaluate((r) => window.timelineProbe?.rowTop(r) ?? -1, row);
        const at = await canvasPoint(p, 60, top + 8);
        await p.mouse.move(at.x, at.y);
        return p.evaluate(() => {
          const card = document.querySelector('.hovercard') as HTMLElement;
          return card.hidden ? '' : (card.textContent ?? '');
        });
      };
      /** Canvas x of the long lane's span: the time area starts at the divider. */
      const spanX = (p: Page): Promise<number> =>
        p.evaluate(() => {
          const box = window.timelineProbe?.stepBox(1);
          return box ? box.x : NaN;
        });
      const page = await openTimeline(browser, server, { width: 1280, height: 800 });
      let state: unknown;
      try {
        await load(page, model);
        const w0 = await gutter(page);
        assert.equal(w0, 190);
        assert.ok(Math.abs((await divider(page)) - w0) <= 2, 'the divider is not at the label column edge');
        // The long name is cut (ellipsized); the hover shows it whole. A short name shows no card.
        assert.equal(await hoverLabel(page, longRow), LONG);
        assert.equal(await hoverLabel(page, 1), '');
        // Drag the divider 80 px right: the column and the time area follow.
        const x0 = await spanX(page);
        const d = await page.locator('.label-resizer').boundingBox();
        assert.ok(d);
        let f = await frames(page);
        await page.mouse.move(d.x + d.width / 2, d.y + 100);
        await page.mouse.down();
        await page.mouse.move(d.x + d.width / 2 + 80, d.y + 100, { steps: 4 });
        await page.mouse.up();
        await waitPaint(page, f);
        const w1 = await gutter(page);
        assert.ok(Math.abs(w1 - (w0 + 80)) <= 2, `label column ${w0} → ${w1}, want +80`);
        assert.ok(Math.abs((await divider(page)) - w1) <= 2, 'the divider did not follow');
        assert.ok((await spanX(page)) > x0 + 40, 'the time area did not move right of the wider column');
        // From the keyboard: the divider is focusable, the arrow keys move it.
        await page.focus('.label-resizer');
        f = await frames(page);
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
        await waitPaint(page, f);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const w2 = await gutter(page);
        assert.ok(Math.abs(w2 - (w1 - 48)) <= 2, `label column ${w1} → ${w2}, want −48`);
        // Double-click fits the longest name: it is no longer cut, so the hover shows no card.
        const c = await page.locator('.label-resizer').boundingBox();
        assert.ok(c);
        f = await frames(page);
        await page.mouse.dblclick(c.x + c.width / 2, c.y + 100);
        await waitPaint(page, f);
        const w3 = await gutter(page);
        assert.ok(w3 > w2 + 100, `double-click gave ${w3}, want room for "${LONG}"`);
        assert.equal(await hoverLabel(page, longRow), '', 'the longest name is still cut after fitting');
        state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
        assert.equal((state as { prefs: { gutterPx: number } }).prefs.gutterPx, w3);
      } finally {
        await page.context().close();
      }
      // A new page given that state opens with the same label column.
      const again = await openTimeline(browser, server, { width: 1280, height: 800, state });
      try {
        await load(again, model);
        assert.equal(await gutter(again), (state as { prefs: { gutterPx: number } }).prefs.gutterPx);
      } finally {
        await again.context().close();
      }
      // A remembered width wider than a narrow panel leaves the time area some room.
      const narrow = await openTimeline(browser, server, {
        width: 400,
        height: 800,
        state: { prefs: { gutterPx: 900 } },
      });
      try {
        await load(narrow, model);
        const canvas = await narrow.locator('canvas').boundingBox();
        assert.ok(canvas);
        const w = await gutter(narrow);
        assert.ok(w >= 60 && w <= canvas.width - 100, `label column ${w} in a ${canvas.width} px canvas`);
      } finally {
        await narrow.context().close();
      }
    },
  },
  {
    name: 'replay: the output follows the cursor, search hits after it stay legible, the canvas pans to it',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const prints = m.steps
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => s.ref.type === 'marker' && m.markers[s.ref.index].kind === 'print');
      assert.ok(prints.length >= 2);
      // Replay to a step after the first print but before the second: that print is current, later ones are future.
      const at = prints[0].i + 1;
      await page.fill('.scrubber', String(at));
      await page.waitForFunction((n) => window.timelineProbe?.replay() === n, at);
      const out = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.output .line')).map((l) => l.className),
      );
      assert.match(out[0], /\bcurrent\b/, `first line: ${out[0]}`);
      assert.ok(
        out.slice(1).every((c) => /\bfuture\b/.test(c)),
        `later lines: ${out.join(' | ')}`,
      );
      // A search hit after the cursor is text at AA contrast, not a disabled-looking row.
      await page.evaluate(contrastScript());
      await page.fill('input[type=search]', 'done');
      await page.press('input[type=search]', 'Enter');
      await page.waitForSelector('.step.future .text');
      const ratio = await contrastOf(page, '.step.future .text');
      assert.ok(ratio >= 4.5, `future search hit contrast ${ratio.toFixed(2)}`);
      // Zoomed in far from the last step, replaying to it pans the canvas there.
      await page.focus('canvas');
      for (let i = 0; i < 8; i++) await page.keyboard.press('+');
      await page.keyboard.press('Home');
      const last = m.steps.length - 1;
      await page.fill('.scrubber', String(last));
      await page.waitForFunction((n) => window.timelineProbe?.replay() === n, last);
      const w = await page.evaluate(() => window.timelineProbe?.window() ?? null);
      assert.ok(w && m.steps[last].ts >= w.start && m.steps[last].ts <= w.end, 'the replay cursor is out of view');
    },
  },
  ...(['dark', 'light', 'hc-dark', 'hc-light'] as const).map((theme): Case => ({
    name: `text is at WCAG AA contrast in the ${theme} theme (toolbar, list, selected row, output, legend, banner)`,
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      const page = await openTimeline(browser, server, { width: 1280, height: 800, theme });
      try {
        const m = recorded('deadlock.json');
        await load(page, m);
        await page.evaluate(contrastScript());
        await page.click('.step[data-step="3"]');
        const checks: [string, number][] = [
          ['.toolbar .title', 4.5],
          ['.steps-header .text', 4.5],
          ['.step:not(.selected) .text', 4.5],
          ['.step:not(.selected) .n', 4.5],
          ['.step.selected .text', 4.5],
          ['.step.selected .n', 4.5],
          ['.step:not(.selected) .src', 4.5],
          ['.pane-title', 4.5],
          ['.legend-item', 4.5],
          ['.legend-toggle', 4.5],
          ['.banner-message', 4.5],
          ['.replay-label', 4.5],
          ['.output .line .text', 4.5],
        ];
        const bad: string[] = [];
        for (const [sel, min] of checks) {
          const r = await contrastOf(page, sel);
          if (!(r >= min)) bad.push(`${sel} ${r.toFixed(2)}`);
        }
        assert.deepEqual(bad, []);
        if (theme.startsWith('hc'))
          assert.ok(await page.evaluate(() => document.body.classList.contains('vscode-high-contrast')));
      } finally {
        await page.context().close();
      }
    },
  })),
];
