/**
 * Browser tests of the canvas's labels (real page, real Chromium): what a picture says without hovering.
 * The text drawn is read by watching the canvas's fillText in the page, per frame.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildModel } from '../../src/trace/buildModel';
import type { TraceModel } from '../../src/shared/traceModel';
import { RawStream } from '../unit/rawStream';
import { openTimeline, postAndPaint, stepBox } from './harness';
import { ModelBuilder } from './modelBuilder';
import { demoModel } from './models';
import type { Case } from './timeline.cases';

export interface DrawnText {
  text: string;
  x: number;
  y: number;
  width: number;
  /** Its width unsqueezed: more than `width` when fillText's maxWidth squeezed it. */
  natural: number;
  font: string;
  /** The fill style it was drawn with ('#rrggbb' or 'rgba(…)'). */
  fill: string;
  frame: number;
}

/** Loads `model` and returns the text of its last painted frame, where it was drawn and how wide it is. */
export async function drawnTexts(page: Page, model: TraceModel): Promise<DrawnText[]> {
  await page.evaluate(() => {
    const w = window as unknown as { __texts: DrawnText[] };
    w.__texts = [];
    const proto = CanvasRenderingContext2D.prototype;
    const fill = Object.getOwnPropertyDescriptor(proto, 'fillText')?.value as CanvasRenderingContext2D['fillText'];
    proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, max?: number) {
      const frame = Number(document.querySelector('canvas')?.dataset.frames ?? 0);
      const natural = this.measureText(text).width;
      const width = Math.min(natural, max ?? Infinity);
      w.__texts.push({
        text,
        x,
        y,
        width,
        natural,
        font: this.font,
        fill: typeof this.fillStyle === 'string' ? this.fillStyle : 'pattern',
        frame,
      });
      return max === undefined ? fill.call(this, text, x, y) : fill.call(this, text, x, y, max);
    };
  });
  await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live: false });
  const all = await page.evaluate(() => (window as unknown as { __texts: DrawnText[] }).__texts);
  const last = Math.max(...all.map((t) => t.frame));
  return all.filter((t) => t.frame === last);
}

const MS = 1_000_000;

/**
 * Two threads printing in turn, 600 prints in a second: alone, in bursts a few microseconds apart, and under
 * sleeps long enough to be labelled. Their numbers interleave, so a lane's labels read "12", "3–7", "2, 4"
 * and "3…9".
 */
function busyPrintsModel(): TraceModel {
  const b = new ModelBuilder('prints.py');
  const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
  const lanes = [0, 1].map((t) =>
    b.lane({ kind: 'thread', name: t === 0 ? 'MainThread' : 'printer', parent: proc, pid: 1, tid: t + 1 }),
  );
  let seed = 5;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let t = 1 * MS;
  for (let k = 0; k < 600;) {
    const lane = lanes[rnd() < 0.6 ? 0 : 1];
    const burst = rnd() < 0.2 ? 2 + Math.floor(rnd() * 5) : 1;
    for (let j = 0; j < burst && k < 600; j++, k++) b.print(lane, t + j * 2000, `line ${k}`);
    if (rnd() < 0.05) b.marker(lane, 'sleep', t + burst * 2000, 'sleep 0.02 s', { waitEnd: t + 21 * MS });
    t += rnd() < 0.05 ? 20 * MS : 0.3 * MS + rnd() * 1.2 * MS;
  }
  return b.build();
}

/** The print numbers a canvas label stands for: "12" and "12 text" one, "3–7" all of them, "2, 4" two, "3…9" some of 3 to 9. */
function labelNumbers(text: string): { lo: number; hi: number } | null {
  const m = /^(\d+)(?:(–|…|, )(\d+))?(?: |$)/.exec(text);
  if (m === null) return null;
  return { lo: Number(m[1]), hi: Number(m[3] ?? m[1]) };
}

/**
 * Searches for `query` and returns the globalAlpha of each fillText by its text, once `until` has been drawn
 * `times` times since the search began.
 */
/**
 * The alpha each text is drawn with once the search `query` shows on the canvas: the frames from the first
 * one that drew `until` (a text the search does not match) faded, until it was drawn faded `times` times.
 * Frames drawn before the search applied (the load's last ones, the keystrokes' before the search runs) are
 * left out: on a busy machine one of them can come after the query is typed.
 */
async function alphasWhileSearching(
  page: Page,
  query: string,
  until: string,
  times: number,
): Promise<Record<string, number[]>> {
  type Drawn = Record<string, { a: number; frame: number }[]>;
  await page.evaluate(() => {
    const w = window as unknown as { __alphas: Drawn };
    w.__alphas = {};
    const proto = CanvasRenderingContext2D.prototype;
    const fill = Object.getOwnPropertyDescriptor(proto, 'fillText')?.value as CanvasRenderingContext2D['fillText'];
    proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number) {
      const frame = Number(document.querySelector('canvas')?.dataset.frames ?? 0);
      (w.__alphas[text] ??= []).push({ a: this.globalAlpha, frame });
      return fill.call(this, text, x, y);
    };
  });
  await page.fill('input[type=search]', query);
  await page.waitForFunction(
    ({ until, times }) =>
      ((window as unknown as { __alphas: Drawn }).__alphas[until] ?? []).filter((d) => d.a < 1).length >= times,
    { until, times },
  );
  const drawn = await page.evaluate(() => (window as unknown as { __alphas: Drawn }).__alphas);
  const from = Math.min(...drawn[until].filter((d) => d.a < 1).map((d) => d.frame));
  return Object.fromEntries(
    Object.entries(drawn).map(([text, ds]) => [text, ds.filter((d) => d.frame >= from).map((d) => d.a)]),
  );
}

export const labelCases: Case[] = [
  {
    name: 'labels: a span narrower than its name is named past its end, up to the next span of its row',
    async run({ page }) {
      // A process pool worker's items at whole-run Fit: 4 ms each in a 1 s run, far narrower than their names.
      const s = new RawStream(1);
      s.mainProcess();
      s.ev(1, 0, 'print', { stream: 'stdout', text: 'start' });
      s.ev(2, 0, 'work_begin', { fn: 'sum_of_squares', args: '300000', job: 1 }, 100 * MS);
      s.ev(2, 0, 'work_end', {}, 4 * MS);
      s.ev(2, 0, 'work_begin', { fn: 'sum_of_squares', args: '200000', job: 2 }, 2 * MS);
      s.ev(2, 0, 'work_end', {}, 4 * MS);
      s.ev(1, 0, 'print', { stream: 'stdout', text: 'done' }, 900 * MS);
      const texts = await drawnTexts(page, buildModel(s.events, { title: 'pool.py', exitCode: 0 }));
      const second = texts.find((t) => t.text === 'sum_of_squares(200000)');
      assert.ok(second, `the last item's whole name is drawn after it: ${texts.map((t) => t.text).join(' | ')}`);
      assert.ok(second.width > 60, 'wider than the 4 ms span it names');
      // The first item is followed 2 ms later by the second: its name, if drawn, stops before it.
      const first = texts.find((t) => t.text.startsWith('sum_of') && t.y === second.y && t.x < second.x);
      if (first) assert.ok(first.x + first.width <= second.x, `"${first.text}" runs into the next item`);
    },
  },
  {
    name: 'labels: a span name is drawn whole or cut to 3+ letters, never to one or two ("c…")',
    async run({ page }) {
      // 15 spans back to back, 30 to 100 units long (at Fit ~20 to ~70 px: room for 1 to 5 letters and '…'), then 4
      // of 200 units, where the name fits whole.
      const b = new ModelBuilder('cut.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      let t = 0;
      for (const k of [...Array.from({ length: 15 }, (_, i) => 30 + 5 * i), 200, 200, 200, 200]) {
        b.span(th, 'compute', t, t + k * MS, { depth: 0 });
        t += k * MS;
      }
      const texts = (await drawnTexts(page, b.build())).filter((x) => x.text.startsWith('c'));
      const cut = texts.filter((x) => x.text.endsWith('…'));
      for (const x of cut) assert.ok(x.text.length > 3, `"${x.text}" is cut to fewer than 3 letters`);
      const said = texts.map((x) => x.text).join(' | ');
      assert.ok(cut.length >= 3, `names are cut to 3+ letters where that fits: ${said}`);
      assert.ok(
        texts.some((x) => x.text === 'compute'),
        `the widest spans are named whole: ${said}`,
      );
    },
  },
  {
    name: 'labels: while searching, the names of spans that match are drawn solid and the others faded',
    async run({ page }) {
      const b = new ModelBuilder('search.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      for (let k = 0; k < 6; k++) b.span(th, k % 2 ? 'beta_work' : 'alpha_work', k * 100 * MS, (k * 100 + 90) * MS);
      await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(b.build()), live: false });
      const alphas = await alphasWhileSearching(page, 'alpha_work', 'beta_work', 3);
      assert.deepEqual(
        [...new Set(alphas['alpha_work'])],
        [1],
        `the matches' names: ${alphas['alpha_work'].join(', ')}`,
      );
      assert.deepEqual([...new Set(alphas['beta_work'])], [0.4], `the other names: ${alphas['beta_work'].join(', ')}`);
    },
  },
  {
    name: 'labels: while searching, the labels of waits that match are drawn solid and the others faded',
    async run({ page }) {
      // A lane whose last print does not match: its number is drawn faded (0.4, as all faded text), and the
      // wait labels drawn after it must not take that alpha over (nor the 1 of a print that matches).
      const s = new RawStream(1);
      s.mainProcess();
      s.ev(1, 0, 'obj_new', { obj: 5, line: 3, name: 'lock_a' });
      s.ev(1, 0, 'lock_wait', { obj: 5, prim: 'Lock' });
      s.ev(1, 0, 'lock_acquired', { obj: 5, prim: 'Lock', ok: true, waited_ns: 300 * MS, contended: true }, 300 * MS);
      s.ev(1, 0, 'sleep', { secs: 0.3 }, 10 * MS);
      s.ev(1, 0, 'slept', { secs: 0.3 }, 300 * MS);
      s.ev(1, 0, 'print', { stream: 'stdout', text: 'done' }, 10 * MS);
      const texts = await drawnTexts(page, buildModel(s.events, { title: 'waits.py', exitCode: 0 }));
      const lockLabel = texts.find((t) => t.text.includes('lock_a'))?.text;
      const sleepLabel = texts.find((t) => t.text.startsWith('sleep'))?.text;
      assert.ok(lockLabel && sleepLabel, `both waits are labelled: ${texts.map((t) => t.text).join(' | ')}`);
      const alphas = await alphasWhileSearching(page, 'lock_a', sleepLabel, 1);
      const print = Object.keys(alphas).filter((t) => /^1( |$)/.test(t));
      assert.deepEqual(
        print.flatMap((t) => alphas[t]),
        [0.4],
        `the print's number, faded as text is (it does not match): ${print.join(' | ')}`,
      );
      assert.deepEqual([...new Set(alphas[lockLabel])], [1], `"${lockLabel}": ${alphas[lockLabel]?.join(', ')}`);
      assert.deepEqual([...new Set(alphas[sleepLabel])], [0.4], `"${sleepLabel}": ${alphas[sleepLabel]?.join(', ')}`);
    },
  },
  {
    name: 'labels: the labels of waits that overlap on one lane do not overlap',
    async run({ page }) {
      // A join that a sleep starts inside (as asyncio's wait_for sleeps in the task that awaits).
      const s = new RawStream(1);
      s.mainProcess();
      s.ev(2, 0, 'thread_begin', { obj: 7, name: 'worker', daemon: false, internal: false, ident: 11, native_id: 12 });
      s.ev(1, 0, 'thread_join', { obj: 7 });
      s.ev(1, 0, 'sleep', { secs: 0.5 }, 10 * MS);
      s.ev(1, 0, 'slept', { secs: 0.5 }, 500 * MS);
      s.ev(2, 0, 'thread_end', { obj: 7 }, 100 * MS);
      s.ev(1, 0, 'thread_joined', { obj: 7, alive: false });
      const texts = await drawnTexts(page, buildModel(s.events, { title: 'waits.py', exitCode: 0 }));
      const join = texts.find((t) => t.text.includes('"worker"'));
      const sleep = texts.find((t) => t.text.startsWith('sleep'));
      assert.ok(join && sleep, `both waits are labelled: ${texts.map((t) => t.text).join(' | ')}`);
      const [a, b] = join.x <= sleep.x ? [join, sleep] : [sleep, join];
      assert.ok(a.x + a.width <= b.x, `"${a.text}" (${a.x}–${a.x + a.width}) overlaps "${b.text}" (from ${b.x})`);
    },
  },
  {
    name: 'labels: a wait too narrow for its whole label still says what it waits on',
    async run({ page }) {
      const s = new RawStream(1);
      s.mainProcess();
      s.ev(1, 0, 'obj_new', { obj: 5, line: 3, name: 'lock_b' });
      s.ev(1, 0, 'lock_wait', { obj: 5, prim: 'Lock' });
      s.ev(1, 0, 'lock_acquired', { obj: 5, prim: 'Lock', ok: true, waited_ns: 60 * MS, contended: true }, 60 * MS);
      s.ev(1, 0, 'print', { stream: 'stdout', text: 'done' }, 940 * MS);
      const texts = await drawnTexts(page, buildModel(s.events, { title: 'lock.py', exitCode: 0 }));
      assert.ok(
        texts.some((t) => t.text === 'lock_b'),
        `the 60 ms wait is labelled with its lock: ${texts.map((t) => t.text).join(' | ')}`,
      );
    },
  },
  {
    name: 'labels: every print carries its number, one inside a wait label too, a burst as one range ("2–6"), never over a wait label',
    async run({ page }) {
      const s = new RawStream(1);
      s.mainProcess();
      s.ev(2, 0, 'thread_begin', { obj: 7, name: 'worker', daemon: false, internal: false, ident: 11, native_id: 12 });
      s.ev(2, 0, 'print', { stream: 'stdout', text: 'worker starts' });
      s.ev(2, 0, 'sleep', { secs: 0.4 });
      s.ev(2, 0, 'slept', { secs: 0.4 }, 400 * MS);
      // (five prints, not one burst of five lines: stdout and stderr in turn)
      for (let i = 0; i < 5; i++) s.ev(2, 0, 'print', { stream: i % 2 ? 'stderr' : 'stdout', text: `line ${i}` }, 2000);
      s.ev(2, 0, 'thread_end', { obj: 7 }, 1000);
      s.ev(1, 0, 'print', { stream: 'stdout', text: 'main ends' }, 500 * MS);
      const texts = await drawnTexts(page, buildModel(s.events, { title: 'prints.py', exitCode: 0 }));
      const all = texts.map((t) => t.text).join(' | ');
      // Numbered in the order printed, as in the output pane (the last one at the run's end: its number alone).
      assert.ok(
        texts.some((t) => /^7( |$)/.test(t.text)),
        `the last print has its number: ${all}`,
      );
      const sleep = texts.find((t) => t.text.startsWith('sleep 0.4'));
      assert.ok(sleep, `the sleep is labelled: ${all}`);
      // The first print comes just before the sleep, where its label starts: the number is drawn, the label after it.
      const starts = texts.find((t) => /^1( |$)/.test(t.text));
      assert.ok(starts, `the print before the sleep has its number: ${all}`);
      assert.ok(starts.x + starts.width <= sleep.x, `"${starts.text}" runs over "${sleep.text}"`);
      // Five prints 2 us apart are one glyph: their numbers as one range (each was "2" alone, 3-6 unnumbered).
      assert.ok(
        texts.some((t) => t.text.startsWith('2–6')),
        `the burst reads "2–6": ${all}`,
      );
    },
  },
  {
    name: "labels: the label column keeps a lane name's start and what tells it apart (one download_worker_thread_N in each of two processes)",
    async run({ page, server }) {
      // Each process has one worker thread, so siblings tell nothing; the number is what differs across the model.
      const b = new ModelBuilder('resize.py');
      const root = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      b.span(b.lane({ kind: 'thread', name: 'MainThread', parent: root, pid: 1, tid: 1 }), '<module>', 0, 60 * MS);
      for (const n of [0, 1]) {
        const pid = 10 + n;
        const proc = b.lane({ kind: 'process', name: `ImageResizerProcess-${n}`, parent: root, pid });
        b.span(b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid, tid: 1 }), 'work', 5 * MS, 50 * MS);
        const worker = b.lane({ kind: 'thread', name: `download_worker_thread_${n}`, parent: proc, pid, tid: 2 });
        b.span(worker, 'inner', 10 * MS, 40 * MS);
      }
      const model = b.build();
      const browser = page.context().browser();
      assert.ok(browser);
      for (const width of [1280, 500]) {
        const p: Page = width === 1280 ? page : await openTimeline(browser, server, { width, height: 600 });
        try {
          const texts = await drawnTexts(p, model);
          const gutterW = await p.evaluate(() => window.timelineProbe?.gutterW() ?? -1);
          const labels = texts
            .filter((t) => t.x < gutterW && t.text.startsWith('dow'))
            .sort((x, y) => x.y - y.y)
            .map((t) => t.text);
          assert.equal(labels.length, 2, `two worker labels at ${width} px: ${labels.join(' | ')}`);
          for (const [n, text] of labels.entries()) {
            if (!text.includes('…')) assert.equal(text, `download_worker_thread_${n}`);
            else assert.match(text, new RegExp(`^down\\w*…_${n}$`), `at ${width} px`);
          }
          if (width === 500)
            assert.ok(
              labels.every((t) => t.includes('…')),
              `cut at 500 px: ${labels.join(' | ')}`,
            );
        } finally {
          if (p !== page) await p.context().close();
        }
      }
    },
  },
  {
    name: 'labels: a print number over a crowded marker row reads on a plate: no tick colour runs through its digits',
    async run({ page }) {
      // 12 prints 80 ms apart, locks and queue puts every 3 ms around them: at Fit (~1 px per ms) the row is
      // ticks in their colours, and each print's number (only that: its text has no room) is drawn over them.
      const b = new ModelBuilder('crowded_prints.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      for (let k = 0; k < 330; k++) {
        const t = k * 3 * MS;
        if (k % 27 !== 10) b.marker(th, k % 2 ? 'lock_acquired' : 'queue_put', t, k % 2 ? 'lock' : 'put');
        else b.print(th, t, `line ${k}`);
      }
      const texts = await drawnTexts(page, b.build());
      const numbers = texts.filter((t) => /^\d+$/.test(t.text) && t.y > 22); // (not the ruler's 0)
      assert.equal(numbers.length, 12, `the prints' numbers: ${texts.map((t) => t.text).join(' | ')}`);
      // Ticks are saturated colours; the background, the text and their anti-aliased blends are greys.
      const coloured = await page.evaluate((boxes) => {
        const ctx = document.querySelector('canvas')?.getContext('2d');
        if (!ctx) throw new Error('no canvas');
        return boxes.map((b) => {
          const px = ctx.getImageData(Math.round(b.x), Math.round(b.y - 4), Math.round(b.width), 8).data;
          let n = 0;
          for (let i = 0; i < px.length; i += 4)
            if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) n++;
          return n;
        });
      }, numbers);
      // (drawn without plates, 16–60 pixels of each box were a tick's colour)
      assert.ok(
        coloured.every((n) => n <= 2),
        `pixels of a tick's colour inside each number: ${coloured.join(', ')}`,
      );
    },
  },
  {
    name: 'labels: no print loses its number on a busy canvas, wide or narrow (600 prints on two lanes, bursts and waits)',
    async run({ page, server }) {
      const model = busyPrintsModel();
      const prints = model.markers.filter((m) => m.kind === 'print').sort((a, b) => a.order - b.order);
      const browser = page.context().browser();
      assert.ok(browser);
      for (const width of [1280, 420]) {
        const p: Page = width === 1280 ? page : await openTimeline(browser, server, { width, height: 600 });
        try {
          const texts = (await drawnTexts(p, model)).filter((t) => t.font.startsWith('10px'));
          // Each lane's labels are on its row: the rows' y in the order of the lanes' first prints.
          const rows = [...new Set(texts.filter((t) => labelNumbers(t.text) !== null).map((t) => t.y))];
          assert.equal(rows.length, 2, `print labels on two rows at ${width} px: ${rows.join(', ')}`);
          const missing: number[] = [];
          prints.forEach((_m, k) => {
            const n = k + 1;
            const covered = texts.some((t) => {
              const r = labelNumbers(t.text);
              return r !== null && r.lo <= n && n <= r.hi;
            });
            if (!covered) missing.push(n);
          });
          assert.deepEqual(
            missing,
            [],
            `at ${width} px every print's number is on the canvas; missing ${missing.length} of ${prints.length}`,
          );
          // …on its own lane's row: a number alone or a range's ends belong to the lane drawn there.
          const laneOfNumber = new Map(prints.map((m, k) => [k + 1, m.lane]));
          for (const y of rows) {
            const lanes = new Set(
              texts
                .filter((t) => t.y === y)
                .map((t) => labelNumbers(t.text))
                .flatMap((r) => (r === null ? [] : [laneOfNumber.get(r.lo), laneOfNumber.get(r.hi)])),
            );
            assert.equal(lanes.size, 1, `the labels on row y=${y} (${width} px) are one lane's prints`);
          }
        } finally {
          if (p !== page) await p.context().close();
        }
      }
    },
  },
  {
    name: 'legend: folded to one line in a narrow panel, unfolded by its button from the keyboard, and remembered',
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      const legend = async (p: Page): Promise<{ h: number; expanded: string | null; items: string }> =>
        p.evaluate(() => ({
          h: document.querySelector('.legend')?.getBoundingClientRect().height ?? 0,
          expanded: document.querySelector('.legend-toggle')?.getAttribute('aria-expanded') ?? null,
          items: document.querySelector('.legend-items')?.textContent ?? '',
        }));
      let state: unknown;
      const narrow = await openTimeline(browser, server, { width: 400, height: 800 });
      try {
        await postAndPaint(narrow, { type: 'traceJson', json: JSON.stringify(demoModel()), live: false });
        const folded = await legend(narrow);
        assert.equal(folded.expanded, 'false', 'a narrow panel starts with the legend folded');
        assert.ok(folded.h <= 24, `folded, the legend is one line: ${folded.h} px`);
        assert.match(folded.items, /running \(on CPU\)/, 'folded, it still says what it is');
        await narrow.focus('.legend-toggle');
        await narrow.keyboard.press('Enter');
        const open = await legend(narrow);
        assert.equal(open.expanded, 'true');
        assert.ok(open.h > folded.h * 2, `unfolded at 400 px it wraps: ${folded.h} → ${open.h} px`);
        state = await narrow.evaluate(() => (window as unknown as { __state: unknown }).__state);
      } finally {
        await narrow.context().close();
      }
      // The choice outlives the page, in a narrow panel too.
      const again = await openTimeline(browser, server, { width: 400, height: 800, state });
      try {
        await postAndPaint(again, { type: 'traceJson', json: JSON.stringify(demoModel()), live: false });
        assert.equal((await legend(again)).expanded, 'true', 'unfolded, as the user left it');
        await again.click('.legend-toggle');
        assert.equal((await legend(again)).expanded, 'false');
      } finally {
        await again.context().close();
      }
      // A wide panel starts unfolded.
      await postAndPaint(first, { type: 'traceJson', json: JSON.stringify(demoModel()), live: false });
      assert.equal((await legend(first)).expanded, 'true');
    },
  },
  {
    name: 'legend: folded, it shows whole items only (no item cut at its end), narrow and wide, dark and light',
    async run({ page: first, server }) {
      const browser = first.context().browser();
      assert.ok(browser);
      for (const theme of ['dark', 'light'] as const)
        for (const width of [700, 1500]) {
          const p = await openTimeline(browser, server, { width, height: 800, theme });
          try {
            await postAndPaint(p, { type: 'traceJson', json: JSON.stringify(demoModel()), live: false });
            if ((await p.getAttribute('.legend-toggle', 'aria-expanded')) === 'true') await p.click('.legend-toggle');
            const got = await p.evaluate(() => {
              const box = (document.querySelector('.legend-items') as HTMLElement).getBoundingClientRect();
              const legendBox = (document.querySelector('.legend') as HTMLElement).getBoundingClientRect();
              // An item shows when any of it is inside the items' box (its overflow is hidden).
              const items = Array.from(document.querySelectorAll('.legend-item')).map((e) => {
                const r = e.getBoundingClientRect();
                const shows = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
                const whole =
                  r.left >= box.left - 0.5 &&
                  r.right <= box.right + 0.5 &&
                  r.top >= box.top - 0.5 &&
                  r.bottom <= box.bottom + 0.5;
                return { text: e.textContent ?? '', shows, whole };
              });
              return {
                items,
                height: legendBox.height,
                mask: getComputedStyle(document.querySelector('.legend-items') as HTMLElement).maskImage,
              };
            });
            const shown = got.items.filter((i) => i.shows);
            assert.ok(shown.length >= 3, `${theme} ${width} px: ${JSON.stringify(got.items)}`);
            const cut = shown.filter((i) => !i.whole).map((i) => i.text);
            assert.deepEqual(cut, [], `${theme} ${width} px: folded, these items show cut`);
            assert.ok(got.height <= 24, `${theme} ${width} px: folded, the legend is one line: ${got.height} px`);
            assert.ok(!got.mask || got.mask === 'none', `${theme} ${width} px: no fade over a whole item: ${got.mask}`);
          } finally {
            await p.context().close();
          }
        }
    },
  },
  {
    name: "labels: a print's number and a wait's label step past an exception's ring, never under it",
    async run({ page }) {
      // Threads that print and then raise (the print's glyph a hair before the exception's), and one whose
      // wait begins as an exception is ringed: the number and the wait's label would start inside the ring.
      const b = new ModelBuilder('raise.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const rings: number[] = [];
      for (let k = 0; k < 3; k++) {
        const th = b.lane({ kind: 'thread', name: `Thread-${k + 1}`, parent: proc, pid: 1, tid: k + 2 });
        const t = (100 + k * 300) * MS;
        b.print(th, t, `worker ${k} about to fail`);
        rings.push(b.marker(th, 'exc', t + 0.2 * MS, 'uncaught ValueError', { severity: 'error' }));
      }
      const th = b.lane({ kind: 'thread', name: 'Waiter', parent: proc, pid: 1, tid: 9 });
      rings.push(b.marker(th, 'exc', 200 * MS, 'uncaught KeyError', { severity: 'error' }));
      b.marker(th, 'lock_wait', 200.1 * MS, 'wait for lock_a', { waitEnd: 700 * MS });
      const m = b.build();
      const texts = await drawnTexts(page, m);
      // A ring's radius is MARKER_R + 3 (renderer.ts), its line 2 px wide.
      const REACH = 4.5 + 3 + 1;
      let checked = 0;
      for (const id of rings) {
        const box = await stepBox(
          page,
          m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === id),
        );
        const cx = box.x + box.w / 2;
        const cy = box.y + 6;
        for (const t of texts) {
          if (Math.abs(t.y - cy) > REACH || t.x + t.width < cx - REACH - 40 || t.x > cx + REACH + 40) continue;
          checked++;
          assert.ok(
            t.x >= cx + REACH || t.x + t.width <= cx - REACH,
            `"${t.text}" at ${t.x.toFixed(1)}–${(t.x + t.width).toFixed(1)} crosses the ring at ${cx.toFixed(1)}`,
          );
        }
      }
      assert.ok(
        texts.some((t) => /^[123]\b/.test(t.text)),
        `the prints' numbers are drawn: ${texts.map((t) => t.text).join(' | ')}`,
      );
      assert.ok(checked >= 4, `${checked} labels beside the rings were checked`);
    },
  },
];
