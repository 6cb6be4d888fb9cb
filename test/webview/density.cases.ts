/**
 * Browser tests of dense lanes (real page, real Chromium): a lane with many spans and waits in view is
 * composited per pixel column (src/webview/bandRaster.ts), and must look as when drawn mark by mark.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TraceModel } from '../../src/shared/traceModel';
import { pixel, postAndPaint, stepBox } from './harness';
import { ModelBuilder } from './modelBuilder';
import type { Case } from './timeline.cases';

const MS = 1_000_000;
/** Span rows are this tall on the canvas (layout.ts SPAN_H less its 2 px gap). */
const SPAN_FILL_H = 13;
/** Wait bands are this tall (a solid band). */
const WAIT_FILL_H = 5;

/** Counts fillRect calls by height in the frames after this call (the marks drawn one by one). */
async function countFillRects(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __rects: Record<number, number> };
    w.__rects = {};
    const proto = CanvasRenderingContext2D.prototype;
    const fill = Object.getOwnPropertyDescriptor(proto, 'fillRect')?.value as CanvasRenderingContext2D['fillRect'];
    proto.fillRect = function (this: CanvasRenderingContext2D, x: number, y: number, rw: number, rh: number) {
      w.__rects[rh] = (w.__rects[rh] ?? 0) + 1;
      return fill.call(this, x, y, rw, rh);
    };
  });
}

async function fillRects(page: Page, height: number): Promise<number> {
  return page.evaluate((h) => (window as unknown as { __rects: Record<number, number> }).__rects[h] ?? 0, height);
}

async function load(page: Page, model: TraceModel): Promise<void> {
  await postAndPaint(page, { type: 'traceJson', json: JSON.stringify(model), live: false });
}

/**
 * Fills and strokes in one frame of `model` (the page's second: its first draws mark by mark, see
 * LaneFills.flush): how many paths its glyphs cost.
 */
async function pathsOfFrame(page: Page, model: TraceModel): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __paths: number };
    w.__paths = 0;
    const proto = CanvasRenderingContext2D.prototype;
    for (const name of ['fill', 'stroke'] as const) {
      const orig = Object.getOwnPropertyDescriptor(proto, name)?.value as (...a: unknown[]) => void;
      Object.defineProperty(proto, name, {
        configurable: true,
        writable: true,
        value(this: CanvasRenderingContext2D, ...args: unknown[]) {
          w.__paths++;
          return orig.apply(this, args);
        },
      });
    }
  });
  await load(page, model);
  await page.evaluate(() => ((window as unknown as { __paths: number }).__paths = 0));
  await load(page, model);
  return page.evaluate(() => (window as unknown as { __paths: number }).__paths);
}

/**
 * Compares the canvas's rows [0, y1) (CSS px, at devicePixelRatio 1) with what they were at the last call
 * (kept in the page): how many channel values differ by more than `tolerance`, and the largest difference.
 */
async function compareRows(page: Page, y1: number, tolerance: number): Promise<{ differ: number; worst: number }> {
  return page.evaluate(
    ({ y1, tolerance }) => {
      const w = window as unknown as { __rows?: Uint8ClampedArray };
      const c = document.querySelector('canvas') as HTMLCanvasElement;
      const got = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, y1).data;
      const want = w.__rows ?? got;
      w.__rows = got;
      let differ = 0;
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs(got[i] - want[i]);
        worst = Math.max(worst, d);
        if (d > tolerance) differ++;
      }
      return { differ, worst };
    },
    { y1, tolerance },
  );
}

/**
 * One thread: wide spans at depth 0 with waits between them (drawn wider than a pixel, edges at fractional
 * pixels, each with its own CPU share), two waits that overlap, and, with `crowd`, 300 thin spans at depth 3 that make the lane dense.
 */
function wideMarks(crowd: boolean): TraceModel {
  const b = new ModelBuilder('dense.py');
  const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
  const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
  const run = 1000 * MS;
  // 16 spans and 16 waits: fewer rectangles than make a lane dense (bandRaster.ts DENSE_MIN_RECTS).
  for (let k = 0; k < 16; k++) {
    const t = k * 60 * MS + 0.37 * MS * k;
    b.span(th, `step_${k}`, t, t + 33.3 * MS, { depth: 0, cpu: (33.3 * MS * (k % 5)) / 5 });
    b.marker(th, k % 2 ? 'lock_wait' : 'queue_get_wait', t + 34.1 * MS, 'wait', { waitEnd: t + 34.1 * MS + 14.7 * MS });
  }
  // Two waits that overlap (the second starts while the first still waits): composited, the second is blended
  // over the first where they overlap, as the canvas does, not painted over it.
  b.marker(th, 'lock_wait', 962.3 * MS, 'first', { waitEnd: 984.6 * MS });
  b.marker(th, 'queue_get_wait', 971.9 * MS, 'second', { waitEnd: 995.1 * MS });
  if (crowd)
    for (let k = 0; k < 300; k++) {
      const t = 5 * MS + k * 3.1 * MS;
      b.span(th, 'tiny', t, t + 0.05 * MS, { depth: 3 });
    }
  b.print(th, run, 'done');
  return b.build();
}

export const densityCases: Case[] = [
  {
    name: 'dense lanes: composited per pixel column, spans and waits wider than a pixel look as when drawn one by one',
    async run({ page }) {
      await countFillRects(page);
      const sparse = wideMarks(false);
      await load(page, sparse);
      assert.ok((await fillRects(page, SPAN_FILL_H)) >= 16, 'the sparse lane draws its spans one by one');
      // Rows from the top of the canvas to the bottom of the thread's first span row: ruler, process lane,
      // the thread's glyphs, wait band and depth-0 spans (the same in both models).
      const first = await stepBox(
        page,
        sparse.steps.findIndex((s) => s.text.includes('step_0')),
      );
      const y1 = Math.floor(first.y + first.h);
      await compareRows(page, y1, 0);

      await page.evaluate(() => ((window as unknown as { __rects: Record<number, number> }).__rects = {}));
      const dense = wideMarks(true);
      await load(page, dense);
      assert.equal(await fillRects(page, SPAN_FILL_H), 0, 'the dense lane draws no span rectangle by itself');
      assert.equal(await fillRects(page, WAIT_FILL_H), 0, 'the dense lane draws no wait rectangle by itself');
      // Rounding of 8-bit blending may differ by a level or two; a lost partial edge or a wrong alpha is 10+.
      const { differ, worst } = await compareRows(page, y1, 4);
      assert.equal(differ, 0, `${differ} channel values differ by more than 4 (worst ${worst})`);
    },
  },
  {
    name: 'dense lanes: a wait or a span thinner than a pixel between long spans still shows, and so does a print',
    async run({ page }) {
      const b = new ModelBuilder('thin.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      // 250 spans of 3.4 ms, back to back but for a 0.6 ms gap: dense enough to be composited.
      for (let k = 0; k < 250; k++) b.span(th, `long_${k}`, k * 4 * MS, k * 4 * MS + 3.4 * MS, { depth: 0 });
      // In one gap, 2 µs wide (a hundredth of a pixel at Fit): a wait, a running slice one row down, a print.
      const at = 125 * 4 * MS + 3.5 * MS;
      const wait = b.marker(th, 'lock_wait', at, 'lock_wait', { waitEnd: at + 0.002 * MS });
      b.span(th, 'blip', at, at + 0.002 * MS, { depth: 1 });
      const out = b.print(th, 200 * 4 * MS + 3.5 * MS, 'between');
      const m = b.build();
      await countFillRects(page);
      // A page's first frame draws mark by mark (see LaneFills.flush); the next one composites.
      await load(page, m);
      assert.ok((await fillRects(page, SPAN_FILL_H)) >= 200, "the page's first frame draws its spans one by one");
      await page.evaluate(() => ((window as unknown as { __rects: Record<number, number> }).__rects = {}));
      await load(page, m);
      assert.equal(await fillRects(page, SPAN_FILL_H), 0, 'the lane was composited, not drawn rect by rect');
      const bg = await page.evaluate(() => {
        const c = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
        return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
      });
      const box = await stepBox(
        page,
        m.steps.findIndex((s) => s.ref.type === 'marker' && s.ref.index === wait),
      );
      // A wait's box reaches 6.5 px either side of it (its glyph); its band is the box's lowest rows.
      let x = box.x + box.w / 2;
      const strongest = async (y0: number, y1: number): Promise<number> => {
        let best = 0;
        for (let dx = -1; dx <= 1; dx++)
          for (let y = Math.floor(y0); y < y1; y++) {
            const p = await pixel(page, Math.round(x + dx), y);
            best = Math.max(best, Math.abs(p[0] - bg[0]) + Math.abs(p[1] - bg[1]) + Math.abs(p[2] - bg[2]));
          }
        return best;
      };
      // (the band's rows below the wait's glyph)
      assert.ok((await strongest(box.y + box.h - 3, box.y + box.h)) > 80, 'the 2 µs wait shows in its band');
      const blip = await stepBox(
        page,
        m.steps.findIndex((s) => s.text.includes('blip')),
      );
      assert.ok((await strongest(blip.y + 2, blip.y + blip.h - 2)) > 60, 'the 2 µs running slice shows');
      const print = await stepBox(
        page,
        m.steps.findIndex((s) => s.ref.type === 'marker' && s.ref.index === out),
      );
      x = print.x + print.w / 2;
      assert.ok((await strongest(print.y + 2, print.y + 10)) > 80, 'the print between two long spans is drawn');
    },
  },
  {
    name: 'marker glyphs: apart, a few paths a frame (one per colour); overlapping, still stacked in time order',
    async run({ page }) {
      const b = new ModelBuilder('glyphs.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      // 60 glyphs of three colours, ~20 px apart at Fit: none touches another.
      const kinds = ['queue_put', 'lock_acquired', 'event_set'] as const;
      for (let k = 0; k < 60; k++) b.marker(th, kinds[k % 3], k * 10 * MS, kinds[k % 3]);
      // Then a green circle, an orange square and, ~5 px after it and overlapping it, another green circle: the
      // later one must be on top, though its colour's path began before the square.
      const a = b.marker(th, 'queue_put', 605 * MS, 'put a');
      const sq = b.marker(th, 'lock_acquired', 640 * MS, 'square');
      const c = b.marker(th, 'queue_put', 642.5 * MS, 'put c');
      const m = b.build();
      const paths = await pathsOfFrame(page, m);
      // Drawn one by one that was 63+ fills; now a path per colour (and per overlap), plus the frame's few others.
      assert.ok(paths <= 16, `${paths} fills and strokes in a frame of 63 glyphs`);
      const centre = async (marker: number): Promise<number> => {
        const box = await stepBox(
          page,
          m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === marker),
        );
        return box.x + box.w / 2;
      };
      const [xa, xs, xc] = [await centre(a), await centre(sq), await centre(c)];
      assert.ok(xs - xa > 20, 'the first circle stands apart');
      assert.ok(xc - xs > 3.5 && xc - xs < 7, `the second circle overlaps the square (${xc - xs} px apart)`);
      const box = await stepBox(
        page,
        m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === c),
      );
      // (a glyph's middle: MARKER_H / 2 - 1 below its lane's top, the box's 1 px below that top)
      const y = Math.round(box.y + 6);
      const overlap = await pixel(page, Math.round((xs + 3.6 + xc - 4.5) / 2), y);
      const green = await pixel(page, Math.round(xc + 1), y);
      const orange = await pixel(page, Math.round(xs - 1), y);
      assert.notDeepEqual(green, orange);
      assert.deepEqual(overlap, green, 'where they overlap, the later glyph is on top');
    },
  },
  {
    name: 'marker glyphs: overlapping neighbours of one colour share a path; a faded pair is no darker where they overlap',
    async run({ page }) {
      const b = new ModelBuilder('bursts.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      // 30 pairs of green circles ~6 px apart at Fit (overlapping, but not so close that they are ticks), an
      // orange square ~25 px after each pair.
      const pairs: number[][] = [];
      for (let k = 0; k < 30; k++) {
        const t = k * 33 * MS;
        pairs.push([b.marker(th, 'queue_put', t, 'put'), b.marker(th, 'queue_put', t + 5 * MS, 'put')]);
        b.marker(th, 'lock_acquired', t + 20 * MS, 'lock');
      }
      const m = b.build();
      // Each overlap was a fill of its own (60+); now the circles are one path, the squares another.
      const paths = await pathsOfFrame(page, m);
      assert.ok(paths <= 12, `${paths} fills and strokes in a frame of 30 overlapping pairs`);
      const at = async (marker: number): Promise<{ x: number; y: number }> => {
        const box = await stepBox(
          page,
          m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === marker),
        );
        return { x: box.x + box.w / 2, y: Math.round(box.y + 6) };
      };
      const [p, q] = [await at(pairs[15][0]), await at(pairs[15][1])];
      assert.ok(q.x - p.x >= 5 && q.x - p.x < 8, `the pair overlaps (${q.x - p.x} px apart)`);
      const solid = await pixel(page, Math.round(p.x - 2), p.y);
      // Searching for the squares fades the circles: one faded path, so where the two overlap the canvas
      // shows one faded circle's colour, not two stacked.
      await page.evaluate(() => {
        const box = document.querySelector('input[type="search"]') as HTMLInputElement;
        box.value = 'lock';
        box.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForTimeout(400);
      const alone = await pixel(page, Math.round(p.x - 2), p.y);
      const both = await pixel(page, Math.round((p.x + q.x) / 2), p.y);
      assert.ok(
        alone.some((v, i) => Math.abs(v - solid[i]) > 20),
        `the search fades the circles (${solid.join(',')} → ${alone.join(',')})`,
      );
      assert.ok(
        both.every((v, i) => Math.abs(v - alone[i]) <= 3),
        `the overlap ${both.join(',')} is as faded as one circle ${alone.join(',')}`,
      );
    },
  },
  {
    name: 'crowded marker glyphs: thin ticks in their colours, a handful of fills a frame; a glyph with room keeps its shape',
    async run({ page }) {
      const b = new ModelBuilder('crowded.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const th = b.lane({ kind: 'thread', name: 'MainThread', parent: proc, pid: 1, tid: 1 });
      // 80 groups of three glyphs ~4 px apart at Fit (overlapping, so crowded), the groups ~13 px apart; then,
      // alone, an orange square.
      const groups: number[][] = [];
      for (let k = 0; k < 80; k++) {
        const t = k * 12 * MS;
        groups.push([
          b.marker(th, 'queue_put', t, 'put'),
          b.marker(th, 'lock_acquired', t + 3.7 * MS, 'lock'),
          b.marker(th, 'queue_put', t + 7.4 * MS, 'put'),
        ]);
      }
      const lone = b.marker(th, 'lock_acquired', 1000 * MS, 'alone');
      const m = b.build();
      const paths = await pathsOfFrame(page, m);
      // As overlapping shapes each was its own fill (240+); as ticks, one path per colour.
      assert.ok(paths <= 16, `${paths} fills and strokes in a frame of 240 crowded glyphs`);
      const bg = await page.evaluate(() => {
        const c = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim();
        return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
      });
      const near = (p: number[], q: number[]): boolean => p.every((v, i) => Math.abs(v - q[i]) <= 12);
      const centre = async (marker: number): Promise<{ x: number; y: number }> => {
        const box = await stepBox(
          page,
          m.steps.findIndex((st) => st.ref.type === 'marker' && st.ref.index === marker),
        );
        // (a glyph's middle: MARKER_H / 2 - 1 below its lane's top, the box's 1 px below that top)
        return { x: box.x + box.w / 2, y: Math.round(box.y + 6) };
      };
      const [put, lock] = groups[40];
      const a = await centre(put);
      const c = await centre(lock);
      assert.ok(c.x - a.x > 3 && c.x - a.x < 5, `the group is crowded (${c.x - a.x} px apart)`);
      const green = await pixel(page, Math.round(a.x - 0.5), a.y);
      const orange = await pixel(page, Math.round(c.x - 0.5), c.y);
      assert.ok(!near(green, bg) && !near(orange, bg) && !near(green, orange), 'each tick in its own colour');
      // Where the circle's shape would reach (3 px left of its centre, 1.5 px inside its edge), the tick leaves
      // the background.
      assert.ok(near(await pixel(page, Math.round(a.x - 3), a.y), bg), 'a crowded glyph is a thin tick, not its shape');
      const alone = await centre(lone);
      assert.ok(near(await pixel(page, Math.round(alone.x + 2), alone.y), orange), 'a glyph with room is its square');
      assert.ok(
        near(await pixel(page, Math.round(alone.x - 2), alone.y + 2), orange),
        'a glyph with room is its square',
      );
    },
  },
  {
    name: 'zoomed a million times into long waits of every kind, a frame records a few fills per pixel column, not per pixel of the waits',
    async run({ page }) {
      // Waits of 10 s, each drawn its own way: dashes (sleeping), a bar (a lock), two lines (in I/O), a hollow
      // runnable end; zoomed in until 10 s is hundreds of millions of pixels wide, around their middle.
      const b = new ModelBuilder('waits.py');
      const proc = b.lane({ kind: 'process', name: 'MainProcess', pid: 1 });
      const kinds = ['sleep', 'lock_wait', 'io_wait', 'queue_get_wait'] as const;
      kinds.forEach((kind, k) => {
        const th = b.lane({ kind: 'thread', name: `t${k}`, parent: proc, pid: 1, tid: k + 1 });
        b.span(th, 'main', 0, 10_100 * MS, { depth: 0 });
        b.marker(th, kind, 50 * MS, `${kind} 10 s`, { waitEnd: 10_050 * MS });
      });
      const m = b.build();
      // The queue's item came at 6 s: from there to the end of the wait the lane was runnable.
      const q = m.markers.findIndex((mk) => mk.kind === 'queue_get_wait');
      m.markers[q].readyAt = 6_000 * MS;
      await load(page, m);
      const width = await page.evaluate(() => (document.querySelector('canvas') as HTMLCanvasElement).clientWidth);
      // A sleep's dashes in view are one per 6 px of the canvas; everything else is a rectangle or two per lane.
      const bound = width / 6 + 20;
      const fit = await page.evaluate(() => window.timelineProbe?.fills() ?? -1);
      assert.ok(fit > kinds.length && fit <= bound, `${fit} fills at Fit in a frame ${width} px wide`);
      await page.focus('canvas');
      for (let i = 0; i < 22; i++) await page.keyboard.press('+');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      const w = await page.evaluate(() => window.timelineProbe?.window() ?? { start: 0, end: Infinity });
      assert.ok(w.end - w.start < 0.5 * MS, `zoomed into half a millisecond or less (${w.end - w.start} ns)`);
      const fills = await page.evaluate(() => window.timelineProbe?.fills() ?? -1);
      assert.ok(fills > kinds.length && fills <= bound, `${fills} fills zoomed in, in a frame ${width} px wide`);
    },
  },
];
