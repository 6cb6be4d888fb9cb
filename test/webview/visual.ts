/**
 * Visual regression: the Timeline of a few recorded traces, rendered by the same code as
 * `concurrency-lab render`, compared with reference PNGs in test/fixtures/visual with a tolerance.
 *
 * Update the references after a deliberate visual change (then look at every changed PNG before
 * committing it):  CONCURRENCY_LAB_UPDATE_VISUALS=1 node scripts/test-webview.mjs visual
 *
 * Pinned rendering: Debian's Chromium with hinting and LCD text off, DejaVu (the fonts this image has:
 * the UI font stack falls back to it), device scale 1. The tolerance allows anti-aliasing noise (a pixel
 * counts as changed when a channel moves by more than CHANNEL_TOLERANCE; a picture fails when more than
 * MAX_CHANGED_SHARE of its pixels changed): moving a lane, a label or the legend fails it.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { openRenderer, type RenderOptions, type TimelineRenderer } from '../../src/render/renderTimeline';
import type { TraceModel } from '../../src/shared/traceModel';
import { ROOT } from './harness';

const REF_DIR = join(ROOT, 'test', 'fixtures', 'visual');
const OUT_DIR = join(ROOT, 'out', 'visual');
const CHANNEL_TOLERANCE = 48;
const MAX_CHANGED_SHARE = 0.004;

interface Shot {
  model: string;
  theme: 'dark' | 'light' | 'hc-dark' | 'hc-light';
  width: number;
}

const SHOTS: Shot[] = [
  // (io_waits: lanes in I/O and an idle event loop; executor_pools: one span per pool work item. Both 3.13.)
  ...[
    'seed_threads',
    'seed_asyncio',
    'seed_multiprocessing',
    'three_patterns',
    'deadlock',
    'io_waits',
    'executor_pools',
  ].flatMap((model) => (['dark', 'light'] as const).map((theme) => ({ model, theme, width: 1400 }))),
  { model: 'deadlock', theme: 'dark', width: 400 },
  // High contrast: outlines and borders instead of fills (contrastBorder), VS Code's hc-black / hc-light.
  { model: 'three_patterns', theme: 'hc-dark', width: 1400 },
  { model: 'three_patterns', theme: 'hc-light', width: 1400 },
];

function shotName(s: Shot): string {
  return `${s.model}-${s.theme}-${s.width}.png`;
}

function loadModel(name: string): TraceModel {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'models', `${name}.json`), 'utf8')) as TraceModel;
}

export interface PixelDiff {
  sameSize: boolean;
  changed: number;
  total: number;
}

/** Decodes both PNGs in the browser and counts the pixels that differ beyond the tolerance. */
export async function diffPngs(browser: Browser, a: Buffer, b: Buffer): Promise<PixelDiff> {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    return await page.evaluate(
      async ({ a, b, tol }) => {
        const decode = async (b64: string): Promise<ImageData> => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const g = c.getContext('2d') as CanvasRenderingContext2D;
          g.drawImage(img, 0, 0);
          return g.getImageData(0, 0, c.width, c.height);
        };
        const [x, y] = [await decode(a), await decode(b)];
        if (x.width !== y.width || x.height !== y.height)
          return { sameSize: false, changed: x.width * x.height, total: x.width * x.height };
        let changed = 0;
        for (let i = 0; i < x.data.length; i += 4) {
          if (
            Math.abs(x.data[i] - y.data[i]) > tol ||
            Math.abs(x.data[i + 1] - y.data[i + 1]) > tol ||
            Math.abs(x.data[i + 2] - y.data[i + 2]) > tol
          )
            changed++;
        }
        return { sameSize: true, changed, total: x.width * x.height };
      },
      { a: a.toString('base64'), b: b.toString('base64'), tol: CHANNEL_TOLERANCE },
    );
  } finally {
    await ctx.close();
  }
}

async function checkShot(r: TimelineRenderer, shot: Shot, extra: Partial<RenderOptions> = {}): Promise<PixelDiff> {
  const png = await r.render(loadModel(shot.model), { width: shot.width, height: 800, theme: shot.theme, ...extra });
  const ref = join(REF_DIR, shotName(shot));
  if (process.env.CONCURRENCY_LAB_UPDATE_VISUALS === '1' && extra.beforeShot === undefined) {
    mkdirSync(REF_DIR, { recursive: true });
    writeFileSync(ref, png);
    return { sameSize: true, changed: 0, total: 1 };
  }
  assert.ok(existsSync(ref), `no reference ${ref}: run with CONCURRENCY_LAB_UPDATE_VISUALS=1 and review the PNGs`);
  const d = await diffPngs(r.browser, png, readFileSync(ref));
  if (!d.sameSize || d.changed / d.total > MAX_CHANGED_SHARE) {
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, shotName(shot)), png);
  }
  return d;
}

export interface VisualCase {
  name: string;
  run(r: TimelineRenderer): Promise<void>;
}

export const visualCases: VisualCase[] = [
  ...SHOTS.map((shot) => ({
    name: `visual: ${shotName(shot)} matches its reference`,
    async run(r: TimelineRenderer) {
      const d = await checkShot(r, shot);
      assert.ok(d.sameSize, 'the picture changed size');
      assert.ok(
        d.changed / d.total <= MAX_CHANGED_SHARE,
        `${d.changed} of ${d.total} pixels changed (limit ${MAX_CHANGED_SHARE * 100}%): see out/visual/${shotName(shot)}`,
      );
    },
  })),
  {
    name: 'visual: a deliberate change (the legend hidden) fails the comparison',
    async run(r: TimelineRenderer) {
      const d = await checkShot(r, SHOTS[0], {
        beforeShot: (page) =>
          page.evaluate(() => {
            (document.querySelector('.legend') as HTMLElement).style.display = 'none';
            return new Promise<void>((res) => requestAnimationFrame(() => requestAnimationFrame(() => res())));
          }),
      });
      assert.ok(
        d.changed / d.total > MAX_CHANGED_SHARE,
        `hiding the legend changed only ${d.changed} of ${d.total} pixels: the tolerance is too loose`,
      );
    },
  },
];

export { openRenderer };
