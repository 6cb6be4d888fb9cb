/** Browser tests of the timeline webview: real page, real Chromium, real input events. */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { WebviewMessage } from '../../src/shared/protocol';
import type { TraceModel } from '../../src/shared/traceModel';
import {
  ROOT,
  alerts,
  canvasPoint,
  postLarge,
  clearPosted,
  cspViolations,
  frames,
  openTimeline,
  pixel,
  postAndPaint,
  postToPage,
  posted,
  setTheme,
  stepBox,
  waitPaint,
  type PageServer,
} from './harness';
import { HOSTILE, demoModel, synthModel } from './models';
import { buildModel } from '../../src/trace/buildModel';
import { RawStream } from '../unit/rawStream';
import { racyStream } from '../unit/sampleStreams';
import { ModelBuilder } from './modelBuilder';

/** Models recorded by the CLI from media/demos (test/fixtures/models): what the real model builder makes. */
function recordedModels(): [string, TraceModel][] {
  const dir = join(ROOT, 'test', 'fixtures', 'models');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as TraceModel]);
}

export interface Ctx {
  page: Page;
  server: PageServer;
}

export interface Case {
  name: string;
  /** Device pixel ratio of the page (default 1). */
  dpr?: number;
  run(ctx: Ctx): Promise<void>;
}

const reveals = (msgs: WebviewMessage[]): WebviewMessage[] => msgs.filter((m) => m.type === 'reveal');

async function load(page: Page, model: TraceModel, live = false): Promise<void> {
  await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live });
}

async function selectedRowStep(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.querySelector('.step.selected')?.getAttribute('data-step') ?? -1));
}

async function selected(page: Page): Promise<number> {
  return page.evaluate(() => window.timelineProbe?.selected() ?? -2);
}

async function view(page: Page): Promise<{ start: number; end: number }> {
  const w = await page.evaluate(() => window.timelineProbe?.window() ?? null);
  assert.ok(w, 'no window');
  return w;
}

/**
 * Resolves once every message posted so far has been handled: messages are handled in order, so a
 * notice posted last and seen on the page means the ones before it were handled (or dropped) too.
 */
async function afterMessagesHandled(page: Page): Promise<void> {
  const text = `handled ${Math.random()}`;
  await postToPage(page, { type: 'notice', level: 'info', text });
  await page.waitForFunction((t) => document.querySelector('.notice')?.textContent === t, text);
}

function colorDistance(a: number[], b: number[]): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

function hex(c: string): number[] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}

/** Steps of a demo whose marker label / span name contains `text`. */
function findStep(model: TraceModel, pred: (text: string) => boolean): number {
  const i = model.steps.findIndex((s) => pred(s.text));
  assert.ok(i >= 0, 'step not found in model');
  return i;
}

async function typeSearch(page: Page, text: string): Promise<void> {
  await page.fill('input[type=search]', text);
  await page.press('input[type=search]', 'Enter');
}

export const cases: Case[] = [
  {
    name: 'page has a strict CSP with the script nonce, posts ready, no violations',
    async run({ page, server }) {
      const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.ok(csp);
      const nonce = server.lastNonce();
      assert.match(csp, /default-src 'none'/);
      assert.ok(csp.includes(`script-src 'nonce-${nonce}'`), csp);
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
      const scriptNonce = await page.evaluate(() => (document.querySelector('script') as HTMLScriptElement).nonce);
      assert.equal(scriptNonce, nonce);
      assert.equal((await posted(page)).filter((m) => m.type === 'ready').length, 1);
      await load(page, demoModel());
      assert.deepEqual(await cspViolations(page), []);
      const inline = await page.evaluate(
        () =>
          Array.from(document.querySelectorAll('*')).filter((e) =>
            Array.from(e.attributes).some((a) => a.name.startsWith('on')),
          ).length,
      );
      assert.equal(inline, 0);
    },
  },
  {
    name: 'reports the first painted frame of each trace once, with its live flag (npm run bench:run times it)',
    async run({ page }) {
      await clearPosted(page);
      await load(page, demoModel(), true);
      await page.waitForFunction(() =>
        (window as unknown as { __posted: WebviewMessage[] }).__posted.some((m) => m.type === 'painted'),
      );
      await load(page, demoModel());
      await page.waitForFunction(
        () =>
          (window as unknown as { __posted: WebviewMessage[] }).__posted.filter((m) => m.type === 'painted').length >=
          2,
      );
      // Redraws of the same trace (a zoom) are not first frames.
      const before = Number(await page.evaluate(() => document.querySelector('canvas')?.dataset.frames ?? 0));
      await page.focus('canvas');
      await page.keyboard.press('+');
      await waitPaint(page, before);
      assert.deepEqual(
        (await posted(page)).filter((m) => m.type === 'painted'),
        [
          { type: 'painted', live: true },
          { type: 'painted', live: false },
        ],
      );
    },
  },
  {
    name: 'renders lanes, steps and output for a demo run',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const rows = await page.locator('.step').count();
      assert.ok(rows > 5 && rows < m.steps.length, `rows=${rows}`);
      assert.equal(await page.locator('.step .text').first().textContent(), m.steps[0].text);
      assert.equal(await page.locator('.output .line').count(), m.output.length);
      // 9 own lanes, plus one folded row for MainProcess's feeder thread and one for resource_tracker.
      assert.equal(await page.evaluate(() => window.timelineProbe?.rowCount()), 11);
      const bg = await pixel(page, 1270, 790);
      const span = await stepBox(
        page,
        findStep(m, (t) => t === 'call crunch()'),
      );
      const inside = await pixel(page, span.x + span.w / 2, span.y + span.h / 2);
      assert.ok(colorDistance(bg, inside) > 60, `span not painted: ${inside.join()} vs bg ${bg.join()}`);
    },
  },
  {
    name: 'steps are numbered 1…N, the same in the list, the replay and the hover card',
    async run({ page }) {
      const m = recordedModels().find(([f]) => f === 'three_patterns.json')?.[1];
      assert.ok(m);
      assert.ok(
        m.steps.some((st, i) => st.order !== i),
        'the raw event order skips numbers in this model',
      );
      await load(page, m);
      const numbers = await page.$$eval('.step .n', (els) => els.slice(0, 12).map((e) => Number(e.textContent)));
      assert.deepEqual(
        numbers,
        numbers.map((_, i) => i + 1),
      );
      const k = findStep(m, (t) => t === 'call thread_job()');
      await page.click('button[aria-label="Step forward"]');
      for (let i = 0; i < k; i++) await page.click('button[aria-label="Step forward"]');
      assert.match((await page.textContent('.replay-label')) ?? '', new RegExp(`^step ${k + 1} / ${m.steps.length}$`));
      const box = await stepBox(page, k);
      const p = await canvasPoint(page, box.x + Math.min(box.w / 2, 20), box.y + box.h / 2);
      await page.mouse.move(p.x, p.y);
      await page.waitForSelector('.hovercard:not([hidden])');
      assert.match((await page.textContent('.hovercard')) ?? '', new RegExp(`step${k + 1} of ${m.steps.length}`));
    },
  },
  {
    name: 'lane states read without hovering: a legend, wait bands by kind, a stuck wait in red to the end',
    async run({ page }) {
      const m = recordedModels().find(([f]) => f === 'deadlock.json')?.[1];
      assert.ok(m);
      await load(page, m);
      const legend = (await page.textContent('.legend')) ?? '';
      for (const t of [
        'running (on CPU)',
        'runnable',
        'waiting: lock',
        'waiting: queue',
        'sleeping',
        'stuck',
        'exception',
      ])
        assert.ok(legend.includes(t), `legend lacks "${t}": ${legend}`);
      const k = m.steps.findIndex((st) => st.ref.type === 'marker' && m.markers[st.ref.index].kind === 'lock_wait');
      const box = await stepBox(page, k);
      const red = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--vscode-editorError-foreground').trim(),
      );
      const want = [1, 3, 5].map((i) => parseInt(red.slice(i, i + 2), 16));
      // the band is a few pixels thin: look down the wait's row, near the end of the run, for its red
      let at = [0, 0, 0];
      for (let y = Math.floor(box.y); y <= box.y + box.h && colorDistance(at, want) >= 60; y++)
        at = await pixel(page, 1100, y);
      assert.ok(
        colorDistance(at, want) < 60,
        `stuck band at the end of the run is ${at.join()}, want about ${want.join()}`,
      );
    },
  },
  {
    name: 'a lane blocked in I/O is drawn as two thin cyan lines, unlike the other waits, and the legend says so',
    async run({ page }) {
      const m = recordedModels().find(([f]) => f === 'io_waits.json')?.[1];
      assert.ok(m);
      await load(page, m);
      assert.match((await page.textContent('.legend')) ?? '', /in I\/O \(socket, pipe, select\) \/ event loop idle/);
      const k = findStep(m, (t) => t === 'in I/O: socket.recv()');
      const box = await stepBox(page, k);
      assert.ok(box.w > 30, `the recv wait is ${box.w} px wide`);
      const cyan = hex(
        await page.evaluate(() =>
          getComputedStyle(document.documentElement).getPropertyValue('--vscode-terminal-ansiCyan').trim(),
        ),
      );
      // Down the band's rows in the middle of the wait: cyan, a gap, cyan again (a solid band has no gap).
      const rows: boolean[] = [];
      for (let y = Math.floor(box.y + box.h - 8); y <= box.y + box.h; y++)
        rows.push(colorDistance(await pixel(page, Math.round(box.x + box.w / 2), y), cyan) < 90);
      const first = rows.indexOf(true);
      const last = rows.lastIndexOf(true);
      assert.ok(first >= 0 && last - first >= 2, `no cyan band: ${rows.join()}`);
      assert.ok(rows.slice(first, last + 1).includes(false), `the band has no gap between its lines: ${rows.join()}`);
    },
  },
  {
    name: 'a runnable wait (its cause happened, the lane not yet running) is drawn hollow after its filled waiting part',
    async run({ page }) {
      const m = structuredClone(recordedModels().find(([f]) => f === 'deadlock.json')?.[1]);
      assert.ok(m);
      // bob's 0.1 s sleep, made a lock wait answered halfway through: waiting, then runnable.
      const i = m.markers.findIndex((x) => x.kind === 'sleep' && m.lanes[x.lane].name === 'bob');
      const w = m.markers[i];
      assert.ok(w.waitEnd !== undefined);
      w.kind = 'lock_wait';
      w.readyAt = w.ts + (w.waitEnd - w.ts) / 2;
      await load(page, m);
      const box = await stepBox(
        page,
        m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === i),
      );
      const x0 = box.x + 6.5;
      const width = box.w - 13;
      assert.ok(width > 12, `the wait is ${width} px wide`);
      const y = box.y + box.h - 3;
      const waiting = await pixel(page, Math.round(x0 + width * 0.25), y);
      const runnable = await pixel(page, Math.round(x0 + width * 0.75), y);
      const orange = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-orange').trim(),
      );
      const want = hex(orange);
      assert.ok(colorDistance(waiting, want) < 90, `the waiting part is ${waiting.join()}, want about ${want.join()}`);
      assert.ok(
        colorDistance(runnable, want) > 150,
        `the runnable part is filled like the waiting part: ${runnable.join()}`,
      );
    },
  },
  {
    name: 'a snapshot request is answered with the canvas as a PNG of its size',
    async run({ page }) {
      await load(page, demoModel());
      await clearPosted(page);
      await postToPage(page, { type: 'snapshot', id: 7 });
      await page.waitForFunction(() =>
        (window as unknown as { __posted: WebviewMessage[] }).__posted.some((m) => m.type === 'image'),
      );
      const image = (await posted(page)).find((m) => m.type === 'image');
      assert.ok(image && image.type === 'image' && image.id === 7);
      const bytes = Buffer.from(image.png.slice('data:image/png;base64,'.length), 'base64');
      const size = await page.evaluate(() => {
        const c = document.querySelector('canvas') as HTMLCanvasElement;
        return [c.width, c.height];
      });
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], size);
    },
  },
  {
    name: 'internal lanes expand from the toolbar toggle and the folded row',
    async run({ page }) {
      await load(page, demoModel());
      const before = await page.evaluate(() => window.timelineProbe?.rowCount() ?? 0);
      await page.click('button[aria-label="Show runtime-internal lanes"]');
      await page.waitForFunction((n) => (window.timelineProbe?.rowCount() ?? 0) > n, before);
      assert.equal(await page.getAttribute('button[aria-label="Show runtime-internal lanes"]', 'aria-pressed'), 'true');
      assert.equal(await page.evaluate(() => window.timelineProbe?.rowCount()), 12);
    },
  },
  {
    name: 'clicking a list row selects it on the canvas and reveals its line',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      await clearPosted(page);
      const target = findStep(m, (t) => t.startsWith('acquire Lock #1 (waited'));
      await page.fill('input[type=search]', '');
      await page.evaluate((i) => {
        const list = document.querySelector('.steps') as HTMLElement;
        list.scrollTop = Math.max(0, i * 20 - 40);
      }, target);
      await page.waitForSelector(`.step[data-step="${target}"]`);
      const f = await frames(page);
      await page.click(`.step[data-step="${target}"]`);
      await waitPaint(page, f);
      assert.equal(await selected(page), target);
      assert.deepEqual(reveals(await posted(page)), [{ type: 'reveal', source: 0, line: 25, preserveFocus: true }]);
      assert.equal(await selectedRowStep(page), target);
      // The canvas outlines the selected event in the focus colour.
      const b = await stepBox(page, target);
      const edge = await pixel(page, b.x + b.w / 2, b.y);
      assert.ok(colorDistance(edge, hex('#0078d4')) < 60, `outline colour ${edge.join()}`);
    },
  },
  {
    name: 'clicking an event on the canvas selects its list row and reveals its line',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      await clearPosted(page);
      const target = findStep(m, (t) => t === 'call crunch()');
      const b = await stepBox(page, target);
      const p = await canvasPoint(page, b.x + b.w / 2, b.y + b.h / 2);
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector('.step.selected');
      assert.equal(await selectedRowStep(page), target);
      assert.deepEqual(reveals(await posted(page)), [{ type: 'reveal', source: 0, line: 9, preserveFocus: true }]);
      // Enter in the list reveals with focus moving to the editor.
      await clearPosted(page);
      await page.focus('.steps');
      await page.keyboard.press('Enter');
      assert.deepEqual(reveals(await posted(page)), [{ type: 'reveal', source: 0, line: 9, preserveFocus: false }]);
      await page.keyboard.press('ArrowDown');
      assert.equal(await selected(page), target + 1);
    },
  },
  {
    name: 'hover card shows span details with CPU share, as text',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const target = findStep(m, (t) => t === 'call crunch()');
      const b = await stepBox(page, target);
      const p = await canvasPoint(page, b.x + b.w / 2, b.y + b.h / 2);
      await page.mouse.move(p.x, p.y);
      await page.waitForSelector('.hovercard:not([hidden])');
      const text = await page.textContent('.hovercard');
      assert.ok(text?.includes('crunch()'), text ?? '');
      assert.ok(text?.includes('on CPU') && text.includes('98%'), text ?? '');
      assert.ok(text?.includes('429 ms'), text ?? '');
    },
  },
  {
    name: "host 'cursor' highlights that line's events in the list and on the canvas",
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const expected = m.steps.map((s, i) => (s.line === 35 ? i : -1)).filter((i) => i >= 0);
      assert.ok(expected.length >= 2);
      const b = await stepBox(page, expected[0]);
      const before = await pixel(page, b.x + b.w / 2, b.y + 2);
      await postAndPaint(page, { type: 'cursor', source: 0, line: 35 });
      await page.evaluate((i) => {
        (document.querySelector('.steps') as HTMLElement).scrollTop = Math.max(0, i * 20 - 40);
      }, expected[0]);
      await page.waitForSelector(`.step[data-step="${expected[0]}"]`);
      const marked = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.step.cursor')).map((e) => Number(e.getAttribute('data-step'))),
      );
      assert.ok(marked.length > 0);
      for (const s of marked) assert.ok(expected.includes(s), `step ${s} is not on line 35`);
      const after = await pixel(page, b.x + b.w / 2, b.y + 2);
      assert.ok(colorDistance(before, after) > 20, `no canvas highlight: ${before.join()} → ${after.join()}`);
    },
  },
  {
    name: 'replay steps forward and back, veils the future and reveals each step',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      await clearPosted(page);
      for (let i = 0; i < 3; i++) await page.click('button[aria-label="Step forward"]');
      assert.equal(await page.evaluate(() => window.timelineProbe?.replay()), 2);
      assert.deepEqual(
        reveals(await posted(page)).map((r) => (r.type === 'reveal' ? r.line : -1)),
        [m.steps[0].line, m.steps[1].line, m.steps[2].line],
      );
      assert.equal(await page.textContent('.replay-label'), `step 3 / ${m.steps.length}`);
      assert.ok((await page.locator('.step.future').count()) > 0);
      assert.equal(await page.locator('.step[data-step="1"].future').count(), 0);
      await page.click('button[aria-label="Step back"]');
      assert.equal(await page.evaluate(() => window.timelineProbe?.replay()), 1);
      assert.equal(await selected(page), 1);
      // Events after the replay position are dimmed on the canvas.
      const crunch = await stepBox(
        page,
        findStep(m, (t) => t === 'call crunch()'),
      );
      const dim = await pixel(page, crunch.x + crunch.w / 2, crunch.y + crunch.h / 2);
      await page.fill('.scrubber', String(m.steps.length - 1));
      await page.waitForFunction((n) => window.timelineProbe?.replay() === n, m.steps.length - 1);
      // The canvas repaints on its next frame: wait for the lit pixel, not for a moment.
      let lit = await pixel(page, crunch.x + crunch.w / 2, crunch.y + crunch.h / 2);
      for (const until = Date.now() + 5000; colorDistance(dim, lit) <= 40 && Date.now() < until;) {
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
        lit = await pixel(page, crunch.x + crunch.w / 2, crunch.y + crunch.h / 2);
      }
      assert.ok(colorDistance(dim, lit) > 40, `future not veiled: ${dim.join()} vs ${lit.join()}`);
    },
  },
  {
    name: 'replay plays and pauses',
    async run({ page }) {
      await load(page, demoModel());
      await page.click('button[aria-label="Play replay (space)"]');
      await page.waitForFunction(() => (window.timelineProbe?.replay() ?? -1) >= 2, undefined, { timeout: 15_000 });
      await page.click('button[aria-label="Pause replay (space)"]');
      const at = await page.evaluate(() => window.timelineProbe?.replay());
      await page.waitForTimeout(800);
      assert.equal(await page.evaluate(() => window.timelineProbe?.replay()), at);
    },
  },
  {
    name: 'search and filters narrow the step list',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      await typeSearch(page, 'WORKER-2');
      const expected = m.steps.filter(
        (s) => s.text.toLowerCase().includes('worker-2') || m.lanes[s.lane].name.toLowerCase().includes('worker-2'),
      ).length;
      await page.waitForFunction(
        (n) => document.querySelector('.status')?.textContent?.startsWith(`${n} of `) === true,
        expected,
      );
      assert.equal(await page.textContent('.status'), `${expected} of ${m.steps.length} steps match`);
      assert.equal(await page.locator('.step').count(), expected);
      await typeSearch(page, '');
      await page.selectOption('select[aria-label="Filter by kind"]', 'lock');
      const texts = await page.locator('.step .text').allTextContents();
      assert.ok(texts.length >= 4);
      for (const t of texts) assert.match(t, /Lock/);
      await page.selectOption('select[aria-label="Filter by kind"]', '');
      const child = m.lanes.find((l) => l.name === 'Process-1');
      assert.ok(child);
      await page.selectOption('select[aria-label="Filter by lane"]', String(child.id));
      // (the process part ends in a no-break space: a plain one would vanish where the part is cut, see dom.ts)
      const laneTexts = (await page.locator('.step .lane').allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
      assert.ok(laneTexts.length > 0);
      // With several processes the LANE column names the path from the process.
      for (const t of laneTexts) assert.ok(t === 'Process-1' || t === 'Process-1 › MainThread', t);
      assert.equal(await page.evaluate(() => window.timelineProbe?.rowCount()), 2);
    },
  },
  {
    name: 'the lane filter names each lane alone, as the step list does: closed, it says whose MainThread',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const options = await page.$$eval('select[aria-label="Filter by lane"] option', (os) =>
        os.map((o) => ({ value: (o as HTMLOptionElement).value, text: (o.textContent ?? '').replace(/\u00a0/g, ' ') })),
      );
      const texts = options.map((o) => o.text.trim());
      assert.equal(new Set(texts).size, texts.length, `every lane reads apart: ${texts.join(' | ')}`);
      const second = m.lanes.find((l) => l.name === 'MainThread' && m.lanes[l.parent]?.name === 'Process-1');
      assert.ok(second);
      await page.selectOption('select[aria-label="Filter by lane"]', String(second.id));
      const shown = await page.$eval('select[aria-label="Filter by lane"]', (s) => {
        const sel = s as HTMLSelectElement;
        return (sel.options[sel.selectedIndex].textContent ?? '').replace(/\u00a0/g, ' ').trim();
      });
      assert.equal(shown, 'Process-1 › MainThread');
      // A task is named after its coroutine, as on the canvas; the tree still shows in the indent.
      const task = options.find((o) => o.value === String(m.lanes.find((l) => l.name === 'Task-1')?.id));
      assert.ok(task && /^ {4}\S/.test(task.text) && task.text.includes('amain() · Task-1'), JSON.stringify(task));
    },
  },
  {
    name: 'keyboard and wheel zoom, fit, and pan',
    async run({ page }) {
      await load(page, demoModel());
      const fit = await view(page);
      await page.focus('canvas');
      await page.keyboard.press('+');
      const z = await view(page);
      assert.ok(Math.abs((fit.end - fit.start) / (z.end - z.start) - 1.6) < 0.01);
      await page.keyboard.press('ArrowRight');
      const p = await view(page);
      assert.ok(p.start > z.start);
      await page.keyboard.press('0');
      assert.deepEqual(await view(page), fit);
      const c = await canvasPoint(page, 700, 200);
      await page.mouse.move(c.x, c.y);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -300);
      await page.keyboard.up('Control');
      await page.waitForFunction(
        (w) => (window.timelineProbe?.window()?.end ?? 0) - (window.timelineProbe?.window()?.start ?? 0) < w,
        fit.end - fit.start,
      );
      const zw = await view(page);
      await page.mouse.down();
      await page.mouse.move(c.x - 200, c.y, { steps: 4 });
      await page.mouse.up();
      const dragged = await view(page);
      assert.ok(dragged.start > zw.start, 'drag left moves later in time');
      await page.click('button[aria-label="Fit the whole run (0)"]');
      assert.deepEqual(await view(page), fit);
    },
  },
  {
    name: 'a trace opens on the program: start-up and imports fold into one block; + and - zoom around the selection',
    async run({ page }) {
      const m = recordedModels().find(([f]) => f === 'seed_threads.json')?.[1];
      assert.ok(m, 'fixture seed_threads.json');
      await load(page, m);
      const program = Math.min(...m.spans.filter((sp) => !m.lanes[sp.lane].internal).map((sp) => sp.start));
      const w = await view(page);
      assert.ok(program > 0.5 * m.duration, 'the fixture spends most of its run starting up');
      assert.ok(
        w.start > 0.5 * program && w.start < program,
        `the view starts just before the program (${w.start} vs ${program})`,
      );
      // The block is drawn over the start-up strip: the lane-header colour, not the editor background.
      const bg = await pixel(page, 1100, 80);
      const block = await pixel(page, 200, 80);
      assert.ok(colorDistance(bg, block) > 8, `start-up block not drawn: ${block.join()} vs ${bg.join()}`);
      // Zoom with a selection keeps the selected step where it is on screen.
      const step = findStep(m, (t) => t.startsWith('start thread'));
      await page.click(`.step[data-step="${step}"]`);
      const before = await stepBox(page, step);
      await page.focus('canvas');
      await page.keyboard.press('+');
      const after = await stepBox(page, step);
      assert.ok(Math.abs(after.x - before.x) < 2, `selection moved from x=${before.x} to ${after.x}`);
      await page.keyboard.press('0');
      assert.deepEqual(await view(page), w);
    },
  },
  {
    name: "'[' and ']' walk the selected lane's events",
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const start = findStep(m, (t) => t === 'worker-2 begins');
      await page.click('.step[data-step="0"]');
      await page.evaluate((i) => {
        (document.querySelector('.steps') as HTMLElement).scrollTop = Math.max(0, i * 20 - 40);
      }, start);
      await page.click(`.step[data-step="${start}"]`);
      await page.focus('canvas');
      await page.keyboard.press(']');
      const lane = m.steps[start].lane;
      const next = m.steps.findIndex((s, i) => i > start && s.lane === lane);
      assert.equal(await selected(page), next);
      await page.keyboard.press('[');
      assert.equal(await selected(page), start);
      assert.equal(
        await page.textContent('.sr-only[role=status]'),
        `Step ${start + 1} of ${m.steps.length}: MainProcess › worker-2 worker-2 begins`,
      );
      await clearPosted(page);
      await page.keyboard.press('Enter');
      assert.deepEqual(reveals(await posted(page)), [
        { type: 'reveal', source: 0, line: m.steps[start].line, preserveFocus: false },
      ]);
    },
  },
  {
    name: 'C folds the lanes around the selected event and unfolds them again, from the keyboard',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      const rows = (): Promise<number> => page.evaluate(() => window.timelineProbe?.rowCount() ?? 0);
      const before = await rows();
      const start = findStep(m, (t) => t === 'worker-2 begins');
      await page.evaluate((i) => {
        (document.querySelector('.steps') as HTMLElement).scrollTop = Math.max(0, i * 20 - 40);
      }, start);
      await page.click(`.step[data-step="${start}"]`);
      await page.focus('canvas');
      await page.keyboard.press('c');
      const siblings = m.lanes.filter((l) => l.parent === m.lanes[m.steps[start].lane].parent && !l.internal).length;
      assert.ok((await rows()) <= before - siblings, `a thread folds into its process: ${before} → ${await rows()}`);
      await page.keyboard.press('c');
      assert.equal(await rows(), before, 'and unfolds again');
      assert.equal(await selected(page), start, 'the selection stays');
    },
  },
  {
    name: 'clicking an output line selects the print step',
    async run({ page }) {
      const m = demoModel();
      await load(page, m);
      await clearPosted(page);
      const line = m.output.find((o) => o.text.startsWith('worker-2 found'));
      assert.ok(line);
      await page.click('.output .line:has-text("worker-2 found")');
      assert.equal(m.steps[await selected(page)].order, line.order);
      assert.deepEqual(reveals(await posted(page)), [{ type: 'reveal', source: 0, line: 30, preserveFocus: true }]);
      assert.equal(await page.locator('.output .line.selected').count(), 1);
    },
  },
  {
    name: 'a burst of output is one step, and selecting it marks all its lines',
    async run({ page }) {
      const s = new RawStream(7)
        .ev(1, 0, 'print', { stream: 'stdout', text: 'one' })
        .ev(1, 0, 'print', { stream: 'stdout', text: 'two' })
        .ev(1, 0, 'print', { stream: 'stdout', text: 'three' })
        .ev(1, 0, 'sleep', { secs: 0.1 })
        .ev(1, 0, 'print', { stream: 'stdout', text: 'four' });
      const m = buildModel(s.events, { title: 'burst.py', exitCode: 0 });
      await load(page, m);
      assert.equal(await page.locator('.step:has-text("print (3 lines): one")').count(), 1);
      await page.click('.output .line:has-text("two")');
      const marked = (): Promise<string[]> =>
        page.$$eval('.output .line.selected .text', (ns) => ns.map((n) => n.textContent ?? ''));
      assert.deepEqual(await marked(), ['one', 'two', 'three']);
      await page.click('.output .line:has-text("four")');
      assert.deepEqual(await marked(), ['four']);
    },
  },
  {
    name: 'output past the first 1000 lines: a step that printed it moves the window there; earlier and more buttons page through',
    async run({ page }) {
      const m = synthModel(100_000, 9);
      assert.ok(m.output.length > 3000, `enough output (${m.output.length} lines)`);
      await postLarge(page, m);
      const shown = (): Promise<string[]> =>
        page.$$eval('.output .line .text', (ns) => ns.map((n) => n.textContent ?? ''));
      assert.deepEqual(
        await shown(),
        m.output.slice(0, 1000).map((o) => o.text),
      );
      // The step that printed line 2500: select it through the step list's search.
      const line = m.output[2500];
      const target = m.steps.findIndex((s) => s.order === line.order);
      assert.ok(target >= 0);
      await typeSearch(page, line.text);
      await page.click(`.step[data-step="${target}"]`);
      assert.equal(await page.textContent('.output .line.selected .text'), line.text);
      const around = await shown();
      assert.equal(around.length, 1000);
      assert.deepEqual(
        around,
        m.output.slice(2000, 3000).map((o) => o.text),
      );
      // Paging: "earlier" shows the 1000 lines before, "more" the ones after (buttons, so keyboard works too).
      await page.click('.output .more.earlier');
      assert.deepEqual(
        await shown(),
        m.output.slice(1000, 2000).map((o) => o.text),
      );
      await page.focus('.output .more.later');
      await page.keyboard.press('Enter');
      assert.deepEqual(
        await shown(),
        m.output.slice(2000, 3000).map((o) => o.text),
      );
      assert.match(
        (await page.textContent('.output .more.later')) ?? '',
        new RegExp(`${(m.output.length - 3000).toLocaleString('en-US')} more lines`),
      );
    },
  },
  {
    name: 'output lines out of view are not laid out until scrolled to (a window of 1000 shows a few dozen)',
    async run({ page }) {
      await postLarge(page, synthModel(100_000, 9));
      // checkVisibility with contentVisibilityAuto: false for the text of a line whose layout and paint are skipped.
      const laidOut = (i: number): Promise<boolean> =>
        page.$$eval(
          '.output .line .text',
          (ns, i) =>
            (ns[i] as HTMLElement & { checkVisibility(o: object): boolean }).checkVisibility({
              contentVisibilityAuto: true,
            }),
          i,
        );
      assert.equal(await laidOut(0), true, 'the first line is in view');
      assert.equal(await laidOut(999), false, 'the last line of the window is skipped while out of view');
      await page.$$eval('.output .line', (ns) => ns[999].scrollIntoView());
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.equal(await laidOut(999), true, 'scrolled to, it is laid out');
      const box = await page.locator('.output .line').nth(999).boundingBox();
      assert.ok(box !== null && box.height >= 10, `it has its height (${JSON.stringify(box)})`);
      // Chromium checks every content-visibility: auto element on each painted frame (a canvas zoom
      // too): the window's 1000 lines skip in blocks, not one by one.
      const skippers = await page.$$eval(
        '.output *',
        (ns) => ns.filter((n) => getComputedStyle(n).contentVisibility === 'auto').length,
      );
      assert.ok(skippers > 0 && skippers <= 1000 / 50, `${skippers} content-visibility: auto elements in the output`);
    },
  },
  {
    name: 'toolbar buttons post export, open, rerun; Stop shows while running',
    async run({ page }) {
      await load(page, demoModel());
      await clearPosted(page);
      await page.click('button[aria-label="Export the trace (Chrome trace JSON)"]');
      await page.click('button[aria-label="Open a saved trace"]');
      await page.click('button[aria-label="Run the program again"]');
      assert.equal(await page.isVisible('button[aria-label="Stop the run"]'), false);
      await postToPage(page, {
        type: 'progress',
        progress: { state: 'running', events: 1234, elapsedMs: 300, message: 'Running app.py with Python 3.12.1…' },
      });
      await page.waitForSelector('button[aria-label="Stop the run"]', { state: 'visible' });
      assert.ok((await page.textContent('.status'))?.includes('1,234 events'));
      assert.equal(await page.isVisible('progress'), true);
      await page.click('button[aria-label="Stop the run"]');
      assert.deepEqual(
        (await posted(page)).map((m) => m.type),
        ['export', 'open', 'rerun', 'stop'],
      );
      await postToPage(page, {
        type: 'progress',
        progress: { state: 'stopped', events: 1300, elapsedMs: 400, message: 'Stopped.' },
      });
      await page.waitForSelector('button[aria-label="Stop the run"]', { state: 'hidden' });
    },
  },
  {
    name: 'live snapshots keep the zoom and selection; a new run resets them',
    async run({ page }) {
      const first = demoModel({ until: 500 });
      await load(page, first, true);
      await page.focus('canvas');
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await page.click('.step[data-step="3"]');
      const zoomed = await view(page);
      const order = first.steps[3].order;
      await load(page, demoModel({ until: 800 }), true);
      assert.deepEqual(await view(page), zoomed);
      assert.equal(await selected(page), 3);
      assert.equal(
        await page.evaluate((o) => Number(document.querySelector('.step.selected .n')?.textContent) - 1 === o, order),
        true,
      );
      const other = synthModel(2000, 3);
      await load(page, other, false);
      assert.equal(await selected(page), -1);
      assert.ok((await view(page)).end > other.duration);
    },
  },
  {
    name: 'every uncaught exception is ringed alike: the glyph drawn in one ring does not thin the next',
    async run({ page }) {
      const b = new ModelBuilder('errors.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      for (let t = 0; t < 3; t++) {
        const th = b.lane({ kind: 'thread', name: `worker-${t}`, parent: proc, pid: 1, tid: t + 1 });
        b.span(th, 'work', 0, 900 * 1_000_000);
        b.marker(th, 'exc', (200 + t * 300) * 1_000_000, `ValueError: ${t}`, { severity: 'error' });
      }
      await page.evaluate(() => {
        const w = window as unknown as { __rings: { width: number; style: string; alpha: number }[] };
        w.__rings = [];
        const proto = CanvasRenderingContext2D.prototype;
        const arc = Object.getOwnPropertyDescriptor(proto, 'arc')?.value as CanvasRenderingContext2D['arc'];
        const stroke = Object.getOwnPropertyDescriptor(proto, 'stroke')?.value as () => void;
        let lastRadius = 0;
        proto.arc = function (this: CanvasRenderingContext2D, x: number, y: number, r: number, a0: number, a1: number) {
          lastRadius = r;
          return arc.call(this, x, y, r, a0, a1);
        };
        proto.stroke = function (this: CanvasRenderingContext2D) {
          // (the ring: an arc of MARKER_R + 3, the last path before the stroke)
          if (lastRadius === 7.5)
            w.__rings.push({
              width: this.lineWidth,
              style: typeof this.strokeStyle === 'string' ? this.strokeStyle : 'pattern',
              alpha: this.globalAlpha,
            });
          lastRadius = 0;
          return stroke.call(this);
        };
      });
      await load(page, b.build());
      const rings = await page.evaluate(
        () => (window as unknown as { __rings: { width: number; style: string; alpha: number }[] }).__rings,
      );
      assert.ok(rings.length >= 3, `rings drawn: ${rings.length}`);
      const looks = new Set(rings.map((r) => JSON.stringify(r)));
      assert.deepEqual([...looks], [JSON.stringify({ ...rings[0], width: 2, alpha: 1 })], [...looks].join(' | '));
    },
  },
  {
    name: 'a fitted live view keeps fitting as the run grows',
    async run({ page }) {
      await load(page, demoModel({ until: 300 }), true);
      const a = await view(page);
      await load(page, demoModel({ until: 900 }), true);
      const b = await view(page);
      assert.ok(b.end > a.end * 2, `${a.end} → ${b.end}`);
    },
  },
  {
    name: 'an error model shows a banner (what, where, hint) and still draws the trace',
    async run({ page }) {
      const m = demoModel({ error: true });
      await load(page, m);
      await page.waitForSelector('.banner:not([hidden])');
      assert.equal(await page.textContent('.banner-title'), 'Uncaught exception');
      assert.equal(await page.textContent('.banner-where'), 'threads_vs_asyncio.py:36');
      assert.equal(await page.textContent('.banner-message'), 'ValueError: bad response');
      assert.ok((await page.textContent('.banner-hint'))?.includes('fetch-2'));
      assert.equal(await page.getAttribute('.banner', 'role'), 'alert');
      assert.ok((await frames(page)) > 0);
      const exc = findStep(m, (t) => t.startsWith('ValueError'));
      const b = await stepBox(page, exc);
      // The exception is ringed in the error colour.
      let found = false;
      for (let dx = -9; dx <= 9 && !found; dx++) {
        const px = await pixel(page, b.x + b.w / 2 + dx, b.y + b.h / 2 - 1);
        found = colorDistance(px, hex('#f14c4c')) < 80;
      }
      assert.ok(found, 'no error-coloured ring around the exception');
    },
  },
  {
    name: 'a race the explorer proved: a banner says it in words (as text), its two accesses are marks on their lanes and steps that open their lines',
    async run({ page }) {
      const target = '<img src=x onerror=alert(6)>.value';
      const m = buildModel(racyStream({ first: 2, second: 3 }, target).events, { title: 'race_condition.py · seed 0' });
      await load(page, m);
      await page.waitForSelector('.banner.race:not([hidden])');
      assert.equal(await page.textContent('.banner-title'), 'Data race');
      assert.deepEqual(await page.locator('.banner-race').allTextContents(), [
        `Data race on ${target}: unsafe-0 wrote at L33 while unsafe-1 had read it at L31 — updates can be lost.`,
      ]);
      assert.equal(await page.locator('.banner img, .step img').count(), 0, 'the target stays text');
      assert.ok((await page.locator('.legend-item').allTextContents()).includes('◆data race'), 'the legend says it');
      // the two marks: on their lanes, ringed in the error colour, each a step that reveals its line
      const marks = m.steps
        .map((st, i) => ({ st, i }))
        .filter(({ st }) => st.ref.type === 'marker' && m.markers[st.ref.index].kind === 'shared_access');
      assert.deepEqual(
        marks.map(({ st }) => [m.lanes[st.lane].name, st.line]),
        [
          ['unsafe-1', 31],
          ['unsafe-0', 33],
        ],
      );
      for (const { i, st } of marks) {
        const b = await stepBox(page, i);
        let found = false;
        for (let dx = -9; dx <= 9 && !found; dx++) {
          const px = await pixel(page, b.x + b.w / 2 + dx, b.y + b.h / 2 - 1);
          found = colorDistance(px, hex('#f14c4c')) < 80;
        }
        assert.ok(found, `no error-coloured mark at step ${i + 1}`);
        await clearPosted(page);
        const p = await canvasPoint(page, b.x + b.w / 2, b.y + b.h / 2);
        await page.mouse.click(p.x, p.y);
        await page.waitForSelector(`.step.selected[data-step="${i}"]`);
        assert.deepEqual(reveals(await posted(page)), [
          { type: 'reveal', source: st.source, line: st.line, preserveFocus: true },
        ]);
      }
      // keyboard: ']' from the event before the first mark on its lane reaches the mark, and says it
      const first = marks[0];
      let before = first.i - 1;
      while (m.steps[before].lane !== first.st.lane) before--;
      await page.click(`.step[data-step="${before}"]`);
      await page.focus('canvas');
      await page.keyboard.press(']');
      assert.equal(await selected(page), first.i);
      assert.match(
        (await page.textContent('.sr-only[role=status]')) ?? '',
        /data race: read .*unsafe-0's write at L33/,
      );
      // the filter's 'Data races' kind lists exactly them
      await page.selectOption('select[aria-label="Filter by kind"]', 'race');
      await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('2 of ') === true);
    },
  },
  {
    name: "a Pool's internal lanes fold on the canvas and their steps fold in the list; unfolded, they are listed with the same numbers",
    async run({ page }) {
      const b = new ModelBuilder('pool.py', '/p/pool.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const main = b.lane({ kind: 'thread', name: 'MainThread', pid: 1, tid: 1, parent: proc });
      const handlers = ['Thread-1 (_handle_workers)', 'Thread-2 (_handle_tasks)'].map((name, i) =>
        b.lane({ kind: 'thread', name, pid: 1, tid: 2 + i, parent: proc, internal: true }),
      );
      b.span(main, '<module>', 0, 100_000_000);
      b.marker(main, 'thread_start', 1_000_000, 'start thread "Thread-1 (_handle_workers)"');
      b.marker(handlers[0], 'thread_begin', 2_000_000, 'thread "Thread-1 (_handle_workers)" begins');
      b.marker(main, 'thread_start', 3_000_000, 'start thread "Thread-2 (_handle_tasks)"');
      b.marker(handlers[1], 'thread_begin', 4_000_000, 'thread "Thread-2 (_handle_tasks)" begins');
      b.marker(main, 'result_wait', 5_000_000, 'wait for pool.map results', { waitEnd: 90_000_000 });
      b.marker(handlers[0], 'thread_end', 95_000_000, 'thread "Thread-1 (_handle_workers)" ends');
      const m = b.build();
      const internal = new Set(handlers);
      const own = m.steps.flatMap((st, i) => (internal.has(st.lane) ? [] : [i]));
      const listed = async (): Promise<{ step: number; n: string }[]> =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.step')].map((r) => ({
            step: Number(r.dataset.step),
            n: r.querySelector('.n')?.textContent ?? '',
          })),
        );
      await load(page, m);
      await page.waitForSelector('.steps-header .fold-note:not([hidden])');
      assert.deepEqual(
        (await listed()).map((r) => r.step),
        own,
        'the folded lanes have no rows',
      );
      // The list's header says so (the toolbar's status shrinks away in a narrow panel).
      assert.equal(await page.textContent('.steps-header .fold-note .long'), '3 internal steps folded');
      // numbers are each step's place in the whole run, as the canvas, replay and export number it
      for (const r of await listed()) assert.equal(r.n, String(r.step + 1));
      // Pressing it (by keyboard: it is a button in the tab order) shows the internal lanes.
      await page.focus('.steps-header .fold-note');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => document.querySelectorAll('.step').length === n, m.steps.length);
      assert.deepEqual(
        (await listed()).map((r) => r.n),
        m.steps.map((_, i) => String(i + 1)),
      );
      assert.equal(await page.isHidden('.steps-header .fold-note'), true);
      assert.equal(await page.getAttribute('button[aria-label="Show runtime-internal lanes"]', 'aria-pressed'), 'true');
    },
  },
  {
    name: 'at 420 px "N internal steps folded" stays in view, whole, and the toolbar stays one row',
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      const page = await openTimeline(browser, server, { width: 420, height: 800 });
      try {
        const b = new ModelBuilder('pool.py', '/p/pool.py');
        const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
        const main = b.lane({ kind: 'thread', name: 'MainThread', pid: 1, tid: 1, parent: proc });
        const handler = b.lane({
          kind: 'thread',
          name: 'Thread-1 (_handle_workers)',
          pid: 1,
          tid: 2,
          parent: proc,
          internal: true,
        });
        b.span(main, '<module>', 0, 100_000_000);
        for (let i = 0; i < 6; i++) b.marker(handler, 'thread_begin', 2_000_000 + i * 1_000_000, `internal ${i}`);
        b.marker(main, 'result_wait', 20_000_000, 'wait for pool.map results', { waitEnd: 90_000_000 });
        await load(page, b.build());
        await page.waitForSelector('.step');
        const note = await page.evaluate(() => {
          const n = document.querySelector<HTMLElement>('.steps-header .fold-note');
          if (!n) return null;
          const r = n.getBoundingClientRect();
          return {
            text: n.innerText,
            label: n.getAttribute('aria-label'),
            w: r.width,
            right: r.right,
            cut: n.scrollWidth > n.clientWidth + 1,
            toolbar: document.querySelector('.toolbar')?.getBoundingClientRect().height ?? 99,
          };
        });
        assert.ok(note, 'no folded note in the list header');
        assert.equal(note.label, '6 internal steps folded: show the internal lanes');
        assert.match(note.text, /\b6\b.*folded/);
        assert.ok(note.w > 0 && note.right <= 420 && !note.cut, JSON.stringify(note));
        assert.ok(note.toolbar < 40, `toolbar height ${note.toolbar}`);
      } finally {
        await page.context().close();
      }
    },
  },
  {
    name: 'after a plain Run the hint offers "Explore other schedules…" once: keyboard; what the run showed and why read whole at 420 px (two lines), all of it in one line at 1280; gone with the next model',
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      for (const width of [1280, 420]) {
        const page = await openTimeline(browser, server, { width, height: 700 });
        try {
          const m = demoModel();
          await load(page, m);
          assert.equal(await page.isHidden('.hint'), true, 'no hint before the host offers one');
          const toolbar = async (): Promise<string> =>
            page.evaluate(() => JSON.stringify(document.querySelector('.toolbar')?.getBoundingClientRect()));
          const before = await toolbar();
          // (src/explore/exploreHint.ts's words for the deadlock demo)
          const shown = 'This run deadlocked in one schedule: alice and bob share 2 Locks.';
          const text = `${shown} Explore runs other schedules to tell which ones deadlock.`;
          await postToPage(page, { type: 'exploreHint', text });
          await page.waitForSelector('.hint:not([hidden])');
          assert.equal(await page.textContent('.hint .hint-text'), text);
          assert.equal(await toolbar(), before, 'the hint does not move the toolbar');
          const box = await page.evaluate((upTo) => {
            const rect = (s: string): DOMRect | undefined => document.querySelector(s)?.getBoundingClientRect();
            const t = document.querySelector('.hint-text');
            const node = t?.firstChild;
            /** Where the sentence's character `i` is drawn (a line the clamp hides draws it below the box). */
            const char = (i: number): DOMRect | undefined => {
              if (!node) return undefined;
              const r = document.createRange();
              r.setStart(node, i);
              r.setEnd(node, i + 1);
              return r.getBoundingClientRect();
            };
            const text = t?.getBoundingClientRect();
            const len = node?.textContent?.length ?? 0;
            const fits = (c: DOMRect | undefined, margin: number): boolean =>
              !!c && !!text && c.bottom <= text.bottom + 0.5 && c.right <= text.right - margin;
            return {
              h: rect('.hint')?.height ?? 0,
              // the lines it shows: the tops of the characters drawn inside its box
              lines: new Set(
                Array.from({ length: len }, (_, i) => char(i))
                  .filter((c) => c && text && c.bottom <= text.bottom + 0.5)
                  .map((c) => Math.round(c?.top ?? 0)),
              ).size,
              // what the run showed and why, whole and clear of the ellipsis at the end of the last line
              shown: fits(char(upTo - 1), 16),
              all: fits(char(len - 1), 0),
              buttons: ['.hint-action', '.hint-close'].map((s) => {
                const b = rect(s);
                return b
                  ? { w: b.width, right: b.right, bottom: b.bottom, hint: rect('.hint')?.bottom ?? 0 }
                  : undefined;
              }),
            };
          }, shown.length);
          assert.ok(box.shown, `what the run showed reads whole: ${JSON.stringify(box)}`);
          if (width === 1280) {
            assert.ok(
              box.h > 0 && box.h < 32 && box.lines === 1 && box.all,
              `one line, all of it: ${JSON.stringify(box)}`,
            );
          } else assert.ok(box.lines === 2 && box.h < 40, `two lines at most: ${JSON.stringify(box)}`);
          for (const b of box.buttons)
            assert.ok(
              b && b.w > 0 && b.right <= width && b.bottom <= b.hint,
              `the buttons are in view: ${JSON.stringify(box)}`,
            );
          // narrow, the button says "Explore…"; its name is still the whole of it
          assert.equal(
            await page.getByRole('button', { name: 'Explore other schedules…', exact: true }).isVisible(),
            true,
          );
          assert.equal(await page.innerText('.hint-action'), width === 1280 ? 'Explore other schedules…' : 'Explore…');
          // keyboard: the button is a focusable control; Enter asks the host to explore, once, and the hint goes
          await clearPosted(page);
          await page.focus('.hint-action');
          await page.keyboard.press('Enter');
          await page.waitForFunction(() => document.querySelector('.hint')?.hasAttribute('hidden') === true);
          assert.deepEqual(
            (await posted(page)).filter((p) => p.type === 'explore'),
            [{ type: 'explore' }],
          );
          // offered again, then dismissed; offered again, then a new model takes it away
          await postToPage(page, { type: 'exploreHint', text });
          await page.waitForSelector('.hint:not([hidden])');
          await page.focus('.hint-close');
          await page.keyboard.press('Enter');
          assert.equal(await page.isHidden('.hint'), true, 'dismissed from the keyboard');
          await postToPage(page, { type: 'exploreHint', text });
          await page.waitForSelector('.hint:not([hidden])');
          await page.click('.hint-close');
          assert.equal(await page.isHidden('.hint'), true);
          await postToPage(page, { type: 'exploreHint', text });
          await page.waitForSelector('.hint:not([hidden])');
          await load(page, m);
          assert.equal(await page.isHidden('.hint'), true, 'the next model takes the hint away');
        } finally {
          await page.context().close();
        }
      }
    },
  },
  {
    name: 'XSS: markup in prints, lane/function names and exceptions stays text',
    async run({ page }) {
      const m = demoModel({ hostile: true, error: true });
      await load(page, m);
      await page.click('button[aria-label="Show runtime-internal lanes"]');
      // Make every hostile string visible: list rows, output, banner, hover card, lane options.
      for (const text of [HOSTILE.print, HOSTILE.exc, HOSTILE.func]) {
        await typeSearch(page, text);
        await page.waitForFunction(() => document.querySelector('.status')?.textContent?.startsWith('1 of ') === true);
        assert.equal(
          await page.textContent('.step .text'),
          text.startsWith('<iframe') ? `call ${text}()` : text === HOSTILE.print ? `print: ${text}` : text,
        );
      }
      for (const lane of [HOSTILE.thread, HOSTILE.task]) {
        await typeSearch(page, lane);
        await page.waitForSelector('.step');
        const cells = (await page.locator('.step .lane').allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
        assert.ok(
          cells.some((c) => c.endsWith(`› ${lane}`) || c.endsWith(`· ${lane}`)),
          cells.join(),
        );
      }
      const out = (await page.locator('.output').textContent()) ?? '';
      assert.ok(out.includes(HOSTILE.print));
      assert.equal(await page.textContent('.banner-message'), HOSTILE.exc);
      const options = (await page.locator('select[aria-label="Filter by lane"] option').allTextContents()).join('\n');
      assert.ok(options.includes(HOSTILE.thread) && options.includes(HOSTILE.task));
      const fn = m.steps.findIndex((s) => s.text.includes(HOSTILE.func));
      await typeSearch(page, '');
      const b = await stepBox(page, fn);
      const p = await canvasPoint(page, b.x + b.w / 2, b.y + b.h / 2);
      await page.mouse.move(p.x, p.y);
      await page.waitForSelector('.hovercard:not([hidden])');
      assert.ok(((await page.textContent('.card-title')) ?? '').includes(HOSTILE.func));
      await page.waitForTimeout(100);
      const injected = await page.evaluate(
        () => document.querySelectorAll('img, iframe, svg, b, body script:not([nonce])').length,
      );
      assert.equal(injected, 0);
      assert.deepEqual(await alerts(page), []);
      assert.deepEqual(await cspViolations(page), []);
    },
  },
  {
    name: 'invalid host messages are ignored; notices show as text',
    async run({ page }) {
      await load(page, demoModel());
      await postToPage(page, { type: 'traceJson', json: 42, live: false });
      await postToPage(page, { type: 'eval', code: 'alert(1)' });
      await postToPage(page, { type: 'cursor', source: 'x', line: 1 });
      await postToPage(page, { type: 'notice', level: 'error', text: 'Export failed: <b>disk full</b>' });
      await page.waitForSelector('.notice:not([hidden])');
      assert.equal(await page.textContent('.notice'), 'Export failed: <b>disk full</b>');
      assert.equal(await page.locator('.notice b').count(), 0);
      assert.deepEqual(
        (await posted(page)).filter((m) => m.type === 'log'),
        [],
      );
      assert.equal(await page.textContent('.toolbar .title'), 'threads_vs_asyncio.py');
    },
  },
  {
    name: 'the step list is virtualised: 200k steps make only a screenful of rows',
    async run({ page }) {
      const m = synthModel(200_000, 5);
      await postLarge(page, m);
      const rows = await page.locator('.step').count();
      assert.ok(rows > 5 && rows < 100, `rows=${rows}`);
      await page.focus('.steps');
      await page.keyboard.press('End');
      await page.waitForSelector(`.step[data-step="${m.steps.length - 1}"]`);
      assert.equal(await page.textContent(`.step[data-step="${m.steps.length - 1}"] .n`), String(m.steps.length));
      assert.ok((await page.locator('.step').count()) < 100);
    },
  },
  {
    name: 'theme changes repaint with the new --vscode-* colours',
    async run({ page }) {
      await load(page, demoModel());
      const box = await page.locator('canvas').boundingBox();
      assert.ok(box);
      // A spot of plain background: right edge, just under the ruler, between grid lines.
      const [x, y] = [box.width - 3, 24];
      const dark = await pixel(page, x, y);
      assert.ok(colorDistance(dark, hex('#1f1f1f')) < 10, dark.join());
      const f = await frames(page);
      await setTheme(page, 'light');
      await waitPaint(page, f);
      const light = await pixel(page, x, y);
      assert.ok(colorDistance(light, hex('#ffffff')) < 10, light.join());
    },
  },
  {
    name: "a selection run's steps show the user's line numbers; reveal keeps traced numbering",
    async run({ page }) {
      const m = { ...demoModel(), lineOffset: 100 };
      await load(page, m);
      await clearPosted(page);
      assert.equal(
        await page.textContent('.step[data-step="0"] .src'),
        `threads_vs_asyncio.py:${m.steps[0].line + 100}`,
      );
      await page.click('.step[data-step="0"]');
      assert.deepEqual(reveals(await posted(page)), [
        { type: 'reveal', source: 0, line: m.steps[0].line, preserveFocus: true },
      ]);
    },
  },
  {
    name: "'traceJson' (the model as JSON text) renders the model; a broken one is logged, not drawn",
    async run({ page }) {
      const m = demoModel();
      await postLarge(page, m, false, 'json');
      assert.equal(await page.textContent('.toolbar .title'), m.title);
      assert.equal(await page.locator('.output .line').count(), m.output.length);
      assert.equal(await page.evaluate(() => window.timelineProbe?.rowCount()), 11);
      await postToPage(page, { type: 'traceJson', json: '{"lanes": 3', live: false });
      await afterMessagesHandled(page);
      const logs = (await posted(page)).filter((x) => x.type === 'log');
      assert.equal(logs.length, 1);
      assert.equal(await page.textContent('.toolbar .title'), m.title);
    },
  },
  {
    name: "'traceColumns' (what the panel sends) renders like 'traceJson'; a malformed one is logged, not drawn",
    async run({ page }) {
      const m = demoModel({ hostile: true, error: true });
      await postLarge(page, m);
      assert.equal(await page.textContent('.toolbar .title'), m.title);
      assert.equal(await page.locator('.output .line').count(), m.output.length);
      assert.equal(await page.evaluate(() => window.timelineProbe?.rowCount()), 11);
      assert.equal(await page.textContent(`.step[data-step="0"] .text`), m.steps[0].text);
      assert.deepEqual(await alerts(page), []);
      // A well-formed message whose buffer is all zeros (no magic): rejected by the decoder, logged once.
      await page.evaluate(() =>
        window.postMessage({ type: 'traceColumns', head: '{}', data: new ArrayBuffer(64), live: false }, '*'),
      );
      // Not an ArrayBuffer: not even a host message; dropped silently.
      await postToPage(page, { type: 'traceColumns', head: '{}', data: 'AAAA', live: false });
      await afterMessagesHandled(page);
      const logs = (await posted(page)).filter((x) => x.type === 'log');
      assert.equal(logs.length, 1);
      assert.match(logs[0].type === 'log' ? logs[0].text : '', /malformed trace columns/);
      assert.equal(await page.textContent('.toolbar .title'), m.title);
    },
  },
  {
    name: 'a hidden panel (no animation frames) still builds its step list and output',
    async run({ page }) {
      const m = demoModel();
      // Chromium gives a hidden iframe no animation frames; the panel may be in a background tab.
      await page.evaluate(() => {
        window.requestAnimationFrame = () => 0;
      });
      await postToPage(page, { type: 'traceJson', json: JSON.stringify(m), live: false });
      await page.waitForFunction(() => document.body.dataset.loaded !== undefined, undefined, { timeout: 15_000 });
      assert.equal(await page.locator('.output .line').count(), m.output.length);
      assert.equal(await page.textContent('.step[data-step="0"] .text'), m.steps[0].text);
    },
  },
  {
    name: 'a big model paints before its steps exist; the deferred list, search, output and step maps then all work',
    async run({ page }) {
      const m = synthModel(100_000, 9);
      const t = await postLarge(page, m);
      assert.ok(t.paintMs <= t.loadedMs, JSON.stringify(t));
      assert.equal(await page.locator('.output .line').count(), Math.min(1000, m.output.length));
      await page.focus('.steps');
      await page.keyboard.press('End');
      const last = m.steps.length - 1;
      await page.waitForSelector(`.step[data-step="${last}"]`);
      assert.equal(await page.textContent(`.step[data-step="${last}"] .text`), m.steps[last].text);
      let target = m.steps.length - 1;
      while (m.steps[target].ref.type !== 'marker') target--;
      const q = m.steps[target].text.toLowerCase();
      const expected = m.steps.filter(
        (s) => s.text.toLowerCase().includes(q) || m.lanes[s.lane].name.toLowerCase().includes(q),
      ).length;
      await typeSearch(page, m.steps[target].text);
      await page.waitForFunction(
        (n) => document.querySelector('.status')?.textContent?.startsWith(`${n} of `) === true,
        expected,
      );
      assert.equal(await page.textContent('.status'), `${expected} of ${m.steps.length} steps match`);
      await clearPosted(page);
      await page.click(`.step[data-step="${target}"]`);
      assert.equal(await page.evaluate(() => window.timelineProbe?.selected()), target);
      const st = m.steps[target];
      assert.deepEqual(reveals(await posted(page)), [
        { type: 'reveal', source: st.source, line: st.line, preserveFocus: true },
      ]);
      // The canvas knows the selected event: its box is where the marker is drawn.
      assert.ok(await page.evaluate((s) => window.timelineProbe?.stepBox(s) ?? null, target));
    },
  },
  {
    name: "pointer input between a big model's first frame and its objects is ignored safely, then works",
    async run({ page }) {
      const m = synthModel(60_000, 11);
      const box = await page.locator('canvas').boundingBox();
      assert.ok(box);
      // The marker row of MainThread, under the MainProcess row (which has no events of its own): dense with markers.
      const at = { x: box.x + 190 + (box.width - 190) / 2, y: box.y + 22 + 34 + 7 };
      // Right after the first frame (a microtask of that frame, before any deferred task): hover, click, double-click.
      await page.evaluate((p) => {
        const c = document.querySelector('canvas') as HTMLCanvasElement;
        const w = window as unknown as {
          __early?: { loaded: string | undefined; selected: number; frames: string | undefined };
        };
        const obs = new MutationObserver(() => {
          obs.disconnect();
          const opts = { clientX: p.x, clientY: p.y, bubbles: true, button: 0, pointerId: 1 };
          c.dispatchEvent(new PointerEvent('pointermove', opts));
          c.dispatchEvent(new PointerEvent('pointerdown', opts));
          c.dispatchEvent(new PointerEvent('pointerup', opts));
          c.dispatchEvent(new MouseEvent('dblclick', opts));
          w.__early = {
            loaded: document.body.dataset.loaded,
            selected: window.timelineProbe?.selected() ?? -2,
            frames: c.dataset.frames,
          };
        });
        obs.observe(c, { attributes: true, attributeFilter: ['data-frames'] });
      }, at);
      await postLarge(page, m);
      const early = await page.evaluate(
        () => (window as unknown as { __early?: { loaded: string | undefined; selected: number } }).__early,
      );
      assert.ok(early, 'the probe ran');
      assert.equal(early.loaded, undefined, 'the probe ran before the model was loaded');
      assert.equal(early.selected, -1);
      assert.equal(await page.evaluate(() => window.timelineProbe?.selected()), -1);
      assert.deepEqual(
        (await posted(page)).filter((x) => x.type === 'log'),
        [],
      );
      // Loaded: the same click selects an event and reveals its line.
      await clearPosted(page);
      await page.mouse.move(at.x, at.y);
      await page.mouse.down();
      await page.mouse.up();
      await page.waitForFunction(() => (window.timelineProbe?.selected() ?? -1) >= 0);
      assert.equal(reveals(await posted(page)).length, 1);
    },
  },
  {
    name: 'a big model indexes only the lanes its first frame shows; scrolled to right away, the others draw as when loaded',
    async run({ page }) {
      const m = synthModel(60_000, 11);
      const box = await page.locator('canvas').boundingBox();
      assert.ok(box);
      // Right after the first frame (a microtask of it, before any deferred task): count the lanes built,
      // scroll down from the label column, and keep the frame drawn for that scroll.
      await page.evaluate(
        (p) => {
          const c = document.querySelector('canvas') as HTMLCanvasElement;
          const w = window as unknown as { __early?: { built: number; loaded?: string }; __scrolled?: string };
          const obs = new MutationObserver(() => {
            obs.disconnect();
            w.__early = { built: window.timelineProbe?.lanesBuilt() ?? -1, loaded: document.body.dataset.loaded };
            const next = new MutationObserver(() => {
              next.disconnect();
              w.__scrolled = c.toDataURL();
            });
            next.observe(c, { attributes: true, attributeFilter: ['data-frames'] });
            c.dispatchEvent(
              new WheelEvent('wheel', { deltaY: 900, clientX: p.x, clientY: p.y, bubbles: true, cancelable: true }),
            );
          });
          obs.observe(c, { attributes: true, attributeFilter: ['data-frames'] });
        },
        { x: box.x + 40, y: box.y + 200 },
      );
      await postLarge(page, m);
      const early = await page.evaluate(
        () => (window as unknown as { __early?: { built: number; loaded?: string } }).__early,
      );
      assert.ok(early, 'the probe ran');
      assert.equal(early.loaded, undefined, 'the probe ran before the model was loaded');
      assert.ok(early.built > 0 && early.built < m.lanes.length, `built ${early.built} of ${m.lanes.length} lanes`);
      assert.equal(await page.evaluate(() => window.timelineProbe?.lanesBuilt()), m.lanes.length);
      assert.ok((await page.evaluate(() => window.timelineProbe?.scrollY() ?? 0)) > 0, 'scrolled');
      // The same view drawn again now that everything is loaded (Fit keeps the window it already shows).
      const before = await frames(page);
      await page.click('button[aria-label="Fit the whole run (0)"]');
      await page.waitForFunction((n) => Number(document.querySelector('canvas')?.dataset.frames ?? 0) > n, before);
      const [scrolled, loaded] = await page.evaluate(() => [
        (window as unknown as { __scrolled?: string }).__scrolled,
        (document.querySelector('canvas') as HTMLCanvasElement).toDataURL(),
      ]);
      assert.ok(scrolled, 'a frame was drawn for the scroll');
      assert.ok(scrolled === loaded, 'the scrolled frame drawn right after the first equals the one drawn loaded');
    },
  },
  {
    name: 'the canvas renders at devicePixelRatio 2 and lanes fold from the gutter',
    dpr: 2,
    async run({ page }) {
      await load(page, demoModel());
      const size = await page.evaluate(() => {
        const c = document.querySelector('canvas') as HTMLCanvasElement;
        return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, dpr: window.devicePixelRatio };
      });
      assert.equal(size.dpr, 2);
      assert.equal(size.w, size.cw * 2);
      assert.equal(size.h, size.ch * 2);
      // The ▾ of MainProcess, first row under the ruler.
      const p = await canvasPoint(page, 10, 22 + 8);
      await page.mouse.click(p.x, p.y);
      await page.waitForFunction(() => window.timelineProbe?.rowCount() === 4);
      await page.mouse.click(p.x, p.y);
      await page.waitForFunction(() => window.timelineProbe?.rowCount() === 11);
    },
  },
  {
    name: 'models recorded from real demo runs render: every own lane, every step, every output line',
    async run({ page }) {
      const models = recordedModels();
      assert.ok(models.length >= 3);
      for (const [file, m] of models) {
        await load(page, m);
        assert.equal(await page.textContent('.toolbar .title'), m.title, file);
        const own = m.lanes.filter((l) => !l.internal).length;
        const rows = await page.evaluate(() => window.timelineProbe?.rowCount() ?? 0);
        assert.ok(rows >= own && rows <= m.lanes.length, `${file}: ${rows} rows for ${own} own lanes`);
        assert.equal(await page.locator('.output .line').count(), m.output.length, file);
        await page.focus('.steps');
        await page.keyboard.press('End');
        const last = m.steps.length - 1;
        await page.waitForSelector(`.step[data-step="${last}"]`);
        assert.equal(await page.textContent(`.step[data-step="${last}"] .text`), m.steps[last].text, file);
        assert.equal(await page.locator('.banner').isVisible(), m.error !== null, file);
      }
      assert.deepEqual(
        (await posted(page)).filter((x) => x.type === 'log'),
        [],
      );
    },
  },
  {
    name: 'flow arrows toggle: all of them, or only the selection’s',
    async run({ page }) {
      await load(page, demoModel());
      const shot = (): Promise<string> =>
        page.evaluate(() => (document.querySelector('canvas') as HTMLCanvasElement).toDataURL());
      const off = await shot();
      assert.equal(await page.getAttribute('button[aria-label="Show all flow arrows"]', 'aria-pressed'), 'false');
      const f = await frames(page);
      await page.click('button[aria-label="Show all flow arrows"]');
      await waitPaint(page, f);
      assert.equal(await page.getAttribute('button[aria-label="Show all flow arrows"]', 'aria-pressed'), 'true');
      assert.notEqual(await shot(), off);
    },
  },
];
