/**
 * Browser tests of the Timeline in a narrow panel (about 420 px, beside the editor) against a wide one:
 * the label column's default width, lane names that still read apart when cut, no squeezed text on the
 * canvas, and a deadlock whose wait-for labels leave the red "stuck" labels readable.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TraceModel } from '../../src/shared/traceModel';
import { contrastRatio } from '../../src/webview/theme';
import { ROOT, openTimeline, postAndPaint, type PageServer } from './harness';
import { drawnTexts, type DrawnText } from './labels.cases';
import { ModelBuilder } from './modelBuilder';
import { demoModel } from './models';
import { buildModel } from '../../src/trace/buildModel';
import { racyStream } from '../unit/sampleStreams';
import type { Case } from './timeline.cases';

const MS = 1e6;
const NARROW = { width: 420, height: 700 };

function browserOf(page: Page): Browser {
  const b = page.context().browser();
  if (!b) throw new Error('no browser');
  return b;
}

/** A fresh page of the given size (and saved state), closed after `fn`. */
async function withPage<T>(
  page: Page,
  server: PageServer,
  opts: { width: number; height: number; state?: unknown },
  fn: (p: Page) => Promise<T>,
): Promise<T> {
  const p = await openTimeline(browserOf(page), server, opts);
  try {
    return await fn(p);
  } finally {
    await p.context().close();
  }
}

async function gutterOf(page: Page, model: TraceModel): Promise<number> {
  await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live: false });
  return page.evaluate(() => window.timelineProbe?.gutterW() ?? -1);
}

/** A program whose own code starts after 120 ms of interpreter start-up and imports (folded at Fit). */
function lateStartModel(): TraceModel {
  const b = new ModelBuilder('late.py');
  const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 10 });
  const main = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 10, tid: 1 });
  const worker = b.lane({ kind: 'thread', name: 'worker', parent: proc, pid: 10, tid: 2 });
  b.span(main, '<module>', 110 * MS, 200 * MS, { cpu: 5 * MS });
  b.span(main, 'main', 120 * MS, 195 * MS, { cpu: 5 * MS });
  b.span(worker, 'crunch', 125 * MS, 190 * MS, { cpu: 60 * MS });
  return b.build();
}

/** A process whose MainThread runs `main` for 90 ms: the start of the lane-name tests' models. */
function mainThreadModel(file: string): { b: ModelBuilder; proc: number; main: number } {
  const b = new ModelBuilder(file);
  const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 10 });
  const main = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 10, tid: 1 });
  b.span(main, 'main', 1 * MS, 90 * MS, { cpu: 1 * MS });
  return { b, proc, main };
}

/** Two asyncio tasks (Task-2, Task-3) running one coroutine on `thread`, each a span of it; their lanes. */
function twoTasksOf(b: ModelBuilder, thread: number, coroutine: string): number[] {
  return [2, 3].map((n) => {
    const t = b.lane({
      kind: 'task',
      name: `Task-${n}`,
      parent: thread,
      pid: 10,
      tid: 1,
      task: n,
      info: { coroutine },
    });
    b.span(t, coroutine, (20 + n) * MS, (60 + n) * MS, { cpu: 1 * MS });
    return t;
  });
}

function recorded(name: string): TraceModel {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'models', name), 'utf8')) as TraceModel;
}

/** Pixel size of a canvas font string ("italic 600 10px sans" → 10). */
function fontPx(font: string): number {
  const m = /(\d+(?:\.\d+)?)px/.exec(font);
  return m ? Number(m[1]) : NaN;
}

function overlaps(a: DrawnText, b: DrawnText): boolean {
  const h = (t: DrawnText): number => fontPx(t.font);
  return a.x < b.x + b.width && b.x < a.x + a.width && Math.abs(a.y - b.y) < (h(a) + h(b)) / 2;
}

export const narrowCases: Case[] = [
  {
    name: 'narrow: the label column defaults to about 30% of a 420 px panel and 190 px of a wide one; a dragged width stays',
    async run({ page, server }) {
      const m = demoModel();
      const narrow = await withPage(page, server, NARROW, (p) => gutterOf(p, m));
      assert.ok(narrow >= 110 && narrow <= 140, `label column ${narrow} px in a 420 px panel, want about 30%`);
      const wide = await withPage(page, server, { width: 1400, height: 800 }, (p) => gutterOf(p, m));
      assert.equal(wide, 190);
      // A width the user chose is theirs, narrow or wide.
      const state = { prefs: { gutterPx: 170 } };
      assert.equal(await withPage(page, server, { ...NARROW, state }, (p) => gutterOf(p, m)), 170);
      // The default follows the panel when it is resized.
      await withPage(page, server, NARROW, async (p) => {
        await gutterOf(p, m);
        await p.setViewportSize({ width: 1400, height: 800 });
        await p.waitForFunction(() => window.timelineProbe?.gutterW() === 190);
      });
    },
  },
  {
    name: 'narrow: lane names cut short keep what tells them apart (a worker its number, a task its coroutine)',
    async run({ page, server }) {
      const { b, proc, main } = mainThreadModel('pools.py');
      for (let i = 0; i < 3; i++) {
        const t = b.lane({ kind: 'thread', name: `ThreadPoolExecutor-0_${i}`, parent: proc, pid: 10, tid: 2 + i });
        b.span(t, 'fetch', (10 + i) * MS, (50 + i) * MS, { cpu: 1 * MS });
      }
      // Two asyncio tasks running the same coroutine, on the main thread.
      twoTasksOf(b, main, 'download_everything');
      const model = b.build();
      await withPage(page, server, NARROW, async (p) => {
        const texts = await drawnTexts(p, model);
        const gutter = await p.evaluate(() => window.timelineProbe?.gutterW() ?? -1);
        const names = texts.filter((t) => t.x < gutter && /0_\d|Thread|Pool|Task-/.test(t.text)).map((t) => t.text);
        for (let i = 0; i < 3; i++)
          assert.ok(
            names.some((n) => n.endsWith(`-0_${i}`) && n.includes('…')),
            `worker ${i}'s number is cut off: ${names.join(' | ')}`,
          );
        for (const n of [2, 3])
          assert.ok(
            names.some((t) => t.startsWith('do') && t.endsWith(`Task-${n}`)),
            `task ${n} lost its coroutine or its number: ${texts.map((t) => t.text).join(' | ')}`,
          );
      });
    },
  },
  {
    name: "narrow: Compare's two sides keep their letter when the label column cuts their names ('A · …1 (failing)', 'B · (passing)')",
    async run({ page, server }) {
      const b = new ModelBuilder('compare.py');
      for (const [k, name] of ['A · seed 1000000001 (failing)', 'B · seed 1000000000 (passing)'].entries()) {
        const proc = b.lane({ kind: 'process', name, pid: 10 + k });
        const main = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 10 + k, tid: 1 });
        b.span(main, '<module>', 10 * MS, 90 * MS, { cpu: 5 * MS });
      }
      const model = b.build();
      await withPage(page, server, NARROW, async (p) => {
        const texts = await drawnTexts(p, model);
        const gutter = await p.evaluate(() => window.timelineProbe?.gutterW() ?? -1);
        const names = texts.filter((t) => t.x < gutter && /seed|…|^[AB] ·/.test(t.text)).map((t) => t.text);
        const a = names.find((n) => n.startsWith('A · '));
        const bName = names.find((n) => n.startsWith('B · '));
        assert.ok(a && bName, `both sides keep their letter: ${names.join(' | ')}`);
        assert.ok(a !== 'A · seed 1000000001 (failing)', `the name is cut in a narrow column: ${a}`);
        // Then the seed's last digit and how it ended, else how it ended: never a seed's start ("seed 1000…").
        for (const [n, digit, outcome] of [
          [a, '1', '(failing)'],
          [bName, '0', '(passing)'],
        ] as const)
          assert.ok(
            n.endsWith(`…${digit} ${outcome}`) ||
              n.endsWith(`${digit} ${outcome}`) ||
              n === `${n.slice(0, 4)}${outcome}`,
            `${n}: the seed's last digit and ${outcome}, or ${outcome} alone`,
          );
      });
    },
  },
  {
    name: 'narrow: the step list and output tags keep " · Task-N" whole for two tasks of one coroutine, cutting the coroutine',
    async run({ page, server }) {
      const { b, main } = mainThreadModel('beats.py');
      for (const t of twoTasksOf(b, main, 'heartbeat_forever')) b.print(t, 30 * MS + t, `tick from lane ${t}`);
      const model = b.build();
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        // What a person sees of each cell: the text of its parts, each cut to the part's own box.
        const cells = await p.evaluate(() => {
          const seen = (cell: Element): { name: string; shown: string; inside: boolean } => {
            const box = cell.getBoundingClientRect();
            let shown = '';
            let inside = true;
            for (const e of Array.from(cell.querySelectorAll('.lane-own, .lane-own > span'))) {
              if (e.children.length) continue;
              const r = e.getBoundingClientRect();
              const he = e as HTMLElement;
              const cut = he.scrollWidth > he.clientWidth + 1;
              shown += cut ? `${e.textContent?.slice(0, 2)}…` : (e.textContent ?? '');
              if (r.right > box.right + 0.5 || r.width < 1) inside = false;
            }
            return { name: (cell as HTMLElement).title, shown, inside };
          };
          return [
            ...Array.from(document.querySelectorAll('.step .lane')).map(seen),
            ...Array.from(document.querySelectorAll('.output .tag')).map(seen),
          ];
        });
        const tasks = cells.filter((c) => /Task-\d/.test(c.name));
        assert.ok(tasks.length >= 4, JSON.stringify(cells));
        for (const c of tasks) {
          const n = /Task-(\d)/.exec(c.name)?.[1];
          assert.ok(c.inside && c.shown.endsWith(` · Task-${n}`), `a cell of Task-${n} reads ${JSON.stringify(c)}`);
          assert.ok(c.shown.startsWith('he'), `a cell of Task-${n} lost its coroutine: ${JSON.stringify(c)}`);
        }
      });
    },
  },
  {
    name: 'narrow: no text on the canvas is squeezed or drawn smaller than 10 px (demo, deadlock, a late start at 420 px)',
    async run({ page, server }) {
      for (const [what, model] of [
        ['demo', demoModel()],
        ['deadlock', recorded('deadlock.json')],
        ['late start', lateStartModel()],
      ] as const) {
        await withPage(page, server, NARROW, async (p) => {
          const texts = await drawnTexts(p, model);
          assert.ok(texts.length > 5, `${what}: the frame draws text`);
          const squeezed = texts.filter((t) => t.natural > t.width + 0.5).map((t) => t.text);
          assert.deepEqual(squeezed, [], `${what}: squeezed to fit (sub-legible)`);
          const tiny = texts.filter((t) => !(fontPx(t.font) >= 10)).map((t) => `${t.text} (${t.font})`);
          assert.deepEqual(tiny, [], `${what}: text below 10 px`);
          if (what === 'late start') {
            // The folded start-up block is there, and says what it is in the room it has.
            assert.ok(
              texts.some((t) => /start-up|\d ms/.test(t.text) && t.x < 200),
              `the start-up block is unlabelled: ${texts.map((t) => t.text).join(' | ')}`,
            );
          }
        });
      }
    },
  },
  {
    name: 'narrow: a deadlock at 420 and 1400 px: no wait-for label covers other text (stuck labels, span names, prints) or another arrow',
    async run({ page, server }) {
      for (const name of ['deadlock.json', 'deadlock_stopped.json']) {
        const model = recorded(name);
        for (const size of [NARROW, { width: 1400, height: 800 }])
          await withPage(page, server, size, async (p) => {
            const texts = await drawnTexts(p, model);
            const stuck = texts.filter((t) => t.text.startsWith('stuck: '));
            // (a run stopped as its lanes blocked has short stuck bands: not all have room for a label)
            assert.ok(
              stuck.length >= (name === 'deadlock.json' ? 2 : 1),
              `stuck labels drawn: ${texts.map((t) => t.text).join(' | ')}`,
            );
            const isGraph = (t: DrawnText): boolean => /^(deadlock: |holds |must end first)/.test(t.text);
            const graph = texts.filter(isGraph);
            assert.ok(graph.length >= 1, `${name}: graph labels drawn: ${texts.map((t) => t.text).join(' | ')}`);
            for (const g of graph)
              for (const t of texts)
                if (!isGraph(t))
                  assert.ok(!overlaps(g, t), `${name} at ${size.width} px: "${g.text}" covers "${t.text}"`);
            // The wait-for arrows are still drawn.
            const waits = await p.evaluate(() => window.timelineProbe?.waits() ?? []);
            assert.ok(waits.filter((w) => w.cycle).length >= 2, 'the cycle is drawn');
            // No arrow's label lies across another arrow (its line, its dot, its head).
            for (const w of waits)
              for (const o of waits) {
                const l = w.label;
                if (o === w || !l) continue;
                const [top, bottom] = [Math.min(o.fromY, o.headY) - 3, Math.max(o.fromY, o.headY) + 3];
                const crosses = l.x0 < o.x + 10 && o.x - 4 < l.x1 && l.y0 < bottom && top < l.y1;
                assert.ok(
                  !crosses,
                  `${name} at ${size.width} px: a label ${JSON.stringify(l)} lies on the arrow at x ${o.x}`,
                );
              }
          });
      }
    },
  },
  {
    name: 'narrow: a deadlock banner is one line at 420 px, unfolded by its button; a wide panel shows all of it',
    async run({ page, server }) {
      const model = recorded('deadlock.json');
      const bannerOf = async (p: Page): Promise<{ h: number; waits: boolean }> =>
        p.evaluate(() => {
          const b = document.querySelector('.banner') as HTMLElement;
          const waits = document.querySelector<HTMLElement>('.banner-waits');
          return { h: b.getBoundingClientRect().height, waits: waits !== null && waits.offsetHeight > 0 };
        });
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const folded = await bannerOf(p);
        assert.ok(folded.h <= 32, `the folded banner is ${folded.h} px high (one line: at most 32)`);
        const line = await p.locator('.banner-summary').evaluate((e) => e.textContent ?? '');
        assert.match(line, /^Deadlock: alice waits for lock_b held by bob/);
        await p.locator('.banner-toggle').click();
        const open = await bannerOf(p);
        assert.ok(open.waits && open.h > folded.h + 20, `unfolded: ${JSON.stringify(open)}`);
        assert.equal(await p.locator('.banner-toggle').getAttribute('aria-expanded'), 'true');
      });
      await withPage(page, server, { width: 1400, height: 800 }, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        assert.ok((await bannerOf(p)).waits, 'a wide panel shows the whole banner');
      });
    },
  },
  {
    name: 'narrow: a race banner is one line at 420 px (the race in words, how many more), unfolded by its button',
    async run({ page, server }) {
      const s = racyStream({ first: 2, second: 3 });
      s.ev(3, 0, 'race', {
        target: 'Counter.value',
        first: { id: 3, lane: 'unsafe-0', line: 33, kind: 'write' },
        second: { id: 4, lane: 'unsafe-1', line: 33, kind: 'write' },
      });
      const model = buildModel(s.events, { title: 'race_condition.py · seed 0' });
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const height = (): Promise<number> =>
          p.evaluate(() => (document.querySelector('.banner') as HTMLElement).getBoundingClientRect().height);
        const folded = await height();
        assert.ok(folded <= 32, `the folded banner is ${folded} px high (one line: at most 32)`);
        assert.equal(
          await p.locator('.banner-summary').textContent(),
          'Data race on Counter.value: unsafe-0 wrote at L33 while unsafe-1 had read it at L31 — updates can be lost (+1 more)',
        );
        await p.locator('.banner-toggle').click();
        assert.equal(await p.locator('.banner-race').count(), 2);
        assert.ok((await height()) > folded + 20, 'unfolded, both races show');
        assert.equal(await p.locator('.banner-title').textContent(), '2 data races');
      });
    },
  },
  {
    name: 'narrow: the LANE column names each lane by its shortest unambiguous name ("thread-A", "…ess-A › MainThread")',
    async run({ page, server }) {
      const model = recorded('three_patterns.json');
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const cells = await p.evaluate(() =>
          Array.from(document.querySelectorAll('.step')).map((r) => ({
            lane: (r.querySelector('.lane') as HTMLElement).title,
            text: r.querySelector('.lane')?.textContent?.replace(/\u00a0/g, ' ') ?? '',
          })),
        );
        const byLane = new Map(cells.map((c) => [c.lane, c.text]));
        assert.equal(byLane.get('MainProcess › thread-A'), 'thread-A', JSON.stringify([...byLane]));
        assert.equal(byLane.get('MainProcess › MainThread'), 'MainProcess › MainThread');
        // Different lanes read differently.
        assert.equal(new Set(byLane.values()).size, byLane.size, JSON.stringify([...byLane]));
      });
    },
  },
  {
    name: 'narrow: the STEP column gets the room; SOURCE is the line number ("L23", the file on hover); wide, a long file name is cut, never its line',
    async run({ page, server }) {
      const model = recorded('three_patterns.json');
      const cellsOf = (p: Page) =>
        p.evaluate(() =>
          Array.from(document.querySelectorAll('.step')).map((r) => {
            const w = (c: string) => (r.querySelector(c) as HTMLElement).getBoundingClientRect().width;
            const src = r.querySelector('.src') as HTMLElement;
            const t = r.querySelector('.t') as HTMLElement;
            const n = r.querySelector('.n') as HTMLElement;
            const cut = t.scrollWidth > t.clientWidth + 1 || n.scrollWidth > n.clientWidth + 1;
            return { step: w('.text'), src: w('.src'), srcText: src.textContent ?? '', srcTitle: src.title, cut };
          }),
        );
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const cells = await cellsOf(p);
        const withLine = cells.filter((c) => c.srcText !== '');
        assert.ok(withLine.length > 0, 'some steps have a line');
        for (const c of withLine) {
          assert.match(c.srcText, /^L\d+$/, `SOURCE reads ${c.srcText}`);
          assert.match(c.srcTitle, /^three_patterns\.py:\d+$/, `its hover names the file: ${c.srcTitle}`);
        }
        const { step, src } = cells[0];
        assert.ok(step >= 140 && step >= 3 * src, `STEP ${step} px, SOURCE ${src} px in a 420 px panel`);
        assert.ok(
          !cells.some((c) => c.cut),
          `no step number or time is cut: ${JSON.stringify(cells.filter((c) => c.cut))}`,
        );
        assert.equal(await p.locator('.steps-header .src').textContent(), 'line');
      });
      await withPage(page, server, { width: 1400, height: 800 }, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const cells = await cellsOf(p);
        assert.ok(
          cells.some((c) => /^three_patterns\.py:\d+$/.test(c.srcText)),
          'a wide panel names the file',
        );
        assert.equal(await p.locator('.steps-header .src').textContent(), 'source');
      });
      // A file name too long for the SOURCE column is cut, its line number is not.
      const long = {
        ...model,
        sources: model.sources.map((x) => ({ ...x, label: `a_much_longer_file_name_${x.label}` })),
      };
      await withPage(page, server, { width: 1400, height: 800 }, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(long), live: false });
        const lines = await p.evaluate(() =>
          Array.from(document.querySelectorAll('.step .src'))
            .filter((e) => e.textContent)
            .map((e) => {
              const box = e.getBoundingClientRect();
              const line = e.querySelector('.src-line')?.getBoundingClientRect();
              return { text: e.textContent, lineShown: !!line && line.width > 10 && line.right <= box.right + 1 };
            }),
        );
        assert.ok(lines.length > 0 && lines.every((l) => l.lineShown), JSON.stringify(lines.slice(0, 3)));
      });
    },
  },
  {
    name: 'narrow: the step list names the thread of a child process by its own name first ("…› MainThread"), cutting the process part',
    async run({ page, server }) {
      const m = demoModel();
      const child = m.lanes.find(
        (l) => l.kind === 'thread' && l.parent >= 0 && m.lanes[l.parent].name !== 'MainProcess',
      );
      assert.ok(child, 'the demo has a thread in a child process');
      const step = m.steps.findIndex((st) => st.lane === child.id);
      assert.ok(step >= 0);
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(m), live: false });
        await p.evaluate((i) => {
          const list = document.querySelector('.steps');
          if (list) list.scrollTop = Math.max(0, i * 20 - 40);
        }, step);
        const own = p.locator(`#step-${step} .lane-own`);
        await own.waitFor({ state: 'attached', timeout: 5000 });
        const got = await own.evaluate((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth + 1 }));
        assert.deepEqual(got, { text: child.name, cut: false }, `the lane cell reads ${JSON.stringify(got)}`);
        const cell = await p.locator(`#step-${step} .lane`).evaluate((e) => e.getBoundingClientRect().width);
        assert.ok(cell <= 112, `the LANE column is ${cell} px: wider than a narrow panel's 112`);
      });
    },
  },
  {
    name: 'narrow: a child process\'s thread keeps both ends of its process\'s name in the LANE cell ("P…-1 › MainThread", not "…1 › ")',
    async run({ page, server }) {
      // Three processes, each with a MainThread: at 420 px the process part is cut. Which characters show is
      // read from the layout: a character shows when no box that clips it (overflow hidden) cuts it off.
      const model = recorded('seed_multiprocessing.json');
      await withPage(page, server, NARROW, async (p) => {
        await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
        const cells = await p.evaluate(() =>
          Array.from(document.querySelectorAll<HTMLElement>('.step .lane')).map((cell) => {
            const shown: string[] = [];
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const text = n.textContent ?? '';
              for (let i = 0; i < text.length; i++) {
                const r = document.createRange();
                r.setStart(n, i);
                r.setEnd(n, i + 1);
                const box = r.getBoundingClientRect();
                let visible = box.width > 0;
                for (let e = n.parentElement; e && visible; e = e === cell ? null : e.parentElement) {
                  if (getComputedStyle(e).overflowX !== 'hidden') continue;
                  const clip = e.getBoundingClientRect();
                  visible = box.left >= clip.left - 0.5 && box.right <= clip.right + 0.5;
                }
                shown.push(visible ? text[i] : '');
              }
            }
            return { title: cell.title, shown: shown.join('').replace(/\u00a0/g, ' '), length: shown.length };
          }),
        );
        const threads = cells.filter((c) => c.title.endsWith(' › MainThread'));
        assert.ok(threads.length >= 3, JSON.stringify(cells));
        // (the rule under test is the cut's: at this width the process part is cut in the child processes' cells)
        assert.ok(
          threads.some((c) => c.shown.length < c.length),
          `no cell is cut at this width: ${JSON.stringify(threads)}`,
        );
        for (const c of threads) {
          const proc = c.title.slice(0, -' › MainThread'.length);
          assert.ok(c.shown.endsWith(' › MainThread'), `the thread's name shows whole: ${JSON.stringify(c)}`);
          assert.ok(c.shown.startsWith(proc[0]), `the process name's start shows: ${JSON.stringify(c)}`);
          const number = /\d+$/.exec(proc)?.[0];
          if (number) assert.ok(c.shown.includes(`${number} › `), `the process's number shows: ${JSON.stringify(c)}`);
        }
        // and the three read apart
        assert.equal(new Set(threads.map((c) => c.shown)).size, new Set(threads.map((c) => c.title)).size);
      });
    },
  },
  {
    name: 'narrow: a run stopped just as its lanes blocked still draws its whole wait-for cycle, inside the canvas',
    async run({ page, server }) {
      // Traced from media/demos/deadlock.py with a time limit: the model ends with the two lock waits.
      const model = recorded('deadlock_stopped.json');
      for (const size of [NARROW, { width: 1400, height: 800 }])
        await withPage(page, server, size, async (p) => {
          await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(model), live: false });
          const waits = await p.evaluate(() => window.timelineProbe?.waits() ?? []);
          const cycle = waits.filter((w) => w.cycle);
          assert.equal(cycle.length, 2, `at ${size.width} px the cycle has ${cycle.length} arrows drawn`);
          const canvas = await p.locator('canvas').boundingBox();
          assert.ok(canvas);
          for (const w of waits) assert.ok(w.x > 0 && w.x < canvas.width - 4, `arrow at x ${w.x} of ${canvas.width}`);
        });
    },
  },
  {
    name: "light theme: the wait-for graph's labels read at WCAG AA contrast on the canvas background",
    async run({ page, server }) {
      const model = recorded('deadlock.json');
      const p = await openTimeline(browserOf(page), server, { width: 1400, height: 800, theme: 'light' });
      try {
        const texts = await drawnTexts(p, model);
        const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const graph = texts.filter((t) => /^(deadlock: |holds |must end first)/.test(t.text));
        assert.ok(graph.length >= 2, `graph labels drawn: ${texts.map((t) => t.text).join(' | ')}`);
        for (const g of graph) {
          const ratio = contrast(g.fill, bg);
          assert.ok(ratio >= 4.5, `"${g.text}" in ${g.fill} on ${bg}: contrast ${ratio.toFixed(2)}`);
        }
      } finally {
        await p.context().close();
      }
    },
  },
];

/** WCAG 2 contrast ratio of two opaque CSS colours ('#rrggbb' or 'rgb(r, g, b)'). */
function contrast(a: string, b: string): number {
  const rgb = (c: string): number[] => {
    const hex = /^#([0-9a-f]{6})$/i.exec(c);
    if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16));
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) throw new Error(`not a colour: ${c}`);
    return m[1].split(',').slice(0, 3).map(Number);
  };
  return contrastRatio(rgb(a), rgb(b));
}
