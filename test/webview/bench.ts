/**
 * Timeline benchmark (not a test): first paint and zoom/pan frame times of our webview at 100k and
 * 1M events, and of speedscope opening the same traces, measured the same way in the same browser.
 *
 * Open time: page clock, from just before the trace is parsed (our JSON message / speedscope's file
 * input change) to the end of the first complete frame, with a 1-pixel read-back forcing the canvas
 * to rasterise. Frame time: from dispatching a wheel event to the end of the frame that drew it
 * (with the same read-back); Chromium runs without frame-rate limit so no vsync wait is counted.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launch, openTimeline, postLarge, servePage, type PageServer } from './harness';
import { synthModel } from './models';
import { toSpeedscope } from './speedscope';

const SPEEDSCOPE_DIR = join(ROOT, 'node_modules', 'speedscope', 'dist', 'release');
const BENCH_DIR = join(ROOT, '.bench');

interface WheelSpec {
  deltaX: number;
  deltaY: number;
  ctrlKey: boolean;
  /** Idle frames before this event (lets speedscope drop its zoom/pan interaction lock). */
  idle: number;
}

/** 20 zoom-ins, 30 pans, 10 zoom-outs: the same gestures for both viewers, scaled to each one's wheel handling. */
function gestures(zoomDelta: number, panDelta: number): WheelSpec[] {
  const out: WheelSpec[] = [];
  for (let i = 0; i < 20; i++) out.push({ deltaX: 0, deltaY: -zoomDelta, ctrlKey: true, idle: i === 0 ? 5 : 0 });
  for (let i = 0; i < 30; i++) out.push({ deltaX: panDelta, deltaY: 0, ctrlKey: false, idle: i === 0 ? 8 : 0 });
  for (let i = 0; i < 10; i++) out.push({ deltaX: 0, deltaY: zoomDelta, ctrlKey: true, idle: i === 0 ? 8 : 0 });
  return out;
}

/** Runs the gestures in the page against the element at (x, y); returns per-frame ms. */
async function measureFrames(page: Page, at: { x: number; y: number }, specs: WheelSpec[]): Promise<number[]> {
  return page.evaluate(async ({ at, specs }) => {
    const target = document.elementFromPoint(at.x, at.y);
    if (target === null) throw new Error('nothing under the gesture point');
    const canvases = Array.from(document.querySelectorAll('canvas'));
    const flush = (): void => {
      for (const c of canvases) {
        const gl = (c.getContext('webgl') ?? c.getContext('webgl2'));
        if (gl) {
          gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
          continue;
        }
        c.getContext('2d')?.getImageData(0, 0, 1, 1);
      }
    };
    const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
    const times: number[] = [];
    for (const s of specs) {
      for (let i = 0; i < s.idle; i++) await frame();
      const t0 = performance.now();
      target.dispatchEvent(new WheelEvent('wheel', { deltaX: s.deltaX, deltaY: s.deltaY, ctrlKey: s.ctrlKey, clientX: at.x, clientY: at.y, bubbles: true, cancelable: true }));
      await frame();
      flush();
      times.push(performance.now() - t0);
    }
    return times;
  }, { at, specs });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

interface Result {
  viewer: 'timeline' | 'speedscope';
  events: number;
  loads: number;
  openMs: number[];
  openMedianMs: number;
  frames: number;
  /** Every measured frame, in gesture order (20 zoom-ins, 30 pans, 10 zoom-outs). */
  framesMs: number[];
  frameMedianMs: number;
  frameP95Ms: number;
  frameMaxMs: number;
  /** Our own draw() time per frame (timeline only). */
  drawMedianMs?: number;
  /** Timeline only: posting a 'traceJson' message (model as text, parsed in the webview) to the first frame. */
  jsonPostToPaintMs?: number[];
  jsonPostToPaintMedianMs?: number;
  /** Timeline only: posting the message to the first frame (the first-paint measure). */
  postToPaintMedianMs?: number;
  /** Timeline only: JSON.parse, Chromium's structured clone of the message, our code (model → first frame). */
  openParts?: { parseMs: number; cloneMs: number; oursMs: number };
  notes?: string;
}

async function benchTimeline(browser: Browser, server: PageServer, events: number, loads: number): Promise<Result> {
  const model = synthModel(events, 7);
  const openMs: number[] = [];
  let frames: number[] = [];
  let draws: number[] = [];
  const parts: { parseMs: number; cloneMs: number; oursMs: number }[] = [];
  const jsonPostToPaint: number[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await openTimeline(browser, server, { width: 1400, height: 860 });
    // postLarge times post → first frame; add the parse so it compares with speedscope's import.
    const t = await postLarge(page, model);
    {
      // The same model as JSON text ('traceJson'), on a fresh page.
      const jp = await openTimeline(browser, server, { width: 1400, height: 860 });
      const tj = await postLarge(jp, model, false, true);
      jsonPostToPaint.push(tj.parseMs + tj.paintMs);
      await jp.context().close();
    }
    const flushMs = await page.evaluate(() => {
      const t0 = performance.now();
      (document.querySelector('canvas') as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, 1, 1);
      return performance.now() - t0;
    });
    openMs.push(t.parseMs + t.paintMs + flushMs);
    const split = await page.evaluate(() => {
      const at = (name: string): number => {
        const e = performance.getEntriesByName(name);
        return e.length > 0 ? e[e.length - 1].startTime : NaN;
      };
      return { message: at('timeline-message'), data: at('timeline-message-data'), frame: at('timeline-frame') };
    });
    // post → message event: serialise + deliver; message → data: deserialise; data → frame: our code.
    const posted = split.frame - t.paintMs;
    parts.push({ parseMs: t.parseMs, cloneMs: split.data - posted, oursMs: split.frame - split.data });
    if (i === loads - 1) {
      const box = await page.locator('canvas').boundingBox();
      if (box === null) throw new Error('no canvas');
      await page.evaluate(() => performance.clearMeasures('timeline-draw'));
      frames = await measureFrames(page, { x: box.x + 190 + (box.width - 190) / 2, y: box.y + 200 }, gestures(100, 60));
      draws = await page.evaluate(() => performance.getEntriesByName('timeline-draw').map((e) => e.duration));
    }
    await page.context().close();
  }
  const r = summarise('timeline', events, openMs, frames, draws);
  r.openParts = {
    parseMs: median(parts.map((p) => p.parseMs)),
    cloneMs: median(parts.map((p) => p.cloneMs)),
    oursMs: median(parts.map((p) => p.oursMs)),
  };
  r.postToPaintMedianMs = median(parts.map((p) => p.cloneMs + p.oursMs));
  r.jsonPostToPaintMs = jsonPostToPaint.map((x) => Math.round(x * 10) / 10);
  r.jsonPostToPaintMedianMs = median(jsonPostToPaint);
  return r;
}

async function benchSpeedscope(browser: Browser, server: PageServer, events: number, file: string, loads: number): Promise<Result> {
  const openMs: number[] = [];
  let frames: number[] = [];
  for (let i = 0; i < loads; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(`${server.origin}/speedscope/index.html`);
    const input = page.locator('input[type=file]');
    await input.waitFor({ state: 'attached' });
    await page.evaluate(() => {
      const w = window as unknown as { __t0: number };
      document.querySelector('input[type=file]')?.addEventListener('change', () => {
        w.__t0 = performance.now();
      }, { capture: true });
    });
    await input.setInputFiles(file);
    const ms = await page.evaluate(() => new Promise<number>((resolve, reject) => {
      const w = window as unknown as { __t0: number };
      const started = performance.now();
      const check = (): void => {
        if (document.title.endsWith(' - speedscope') && document.querySelector('canvas')) {
          requestAnimationFrame(() => {
            for (const c of Array.from(document.querySelectorAll('canvas'))) {
              const gl = (c.getContext('webgl') ?? c.getContext('webgl2'));
              gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
            }
            resolve(performance.now() - w.__t0);
          });
        } else if (performance.now() - started > 240_000) reject(new Error('speedscope did not finish importing'));
        else setTimeout(check, 1);
      };
      check();
    }));
    openMs.push(ms);
    if (i === loads - 1) {
      frames = await measureFrames(page, { x: 700, y: 500 }, gestures(10, 60));
    }
    await ctx.close();
  }
  return summarise('speedscope', events, openMs, frames, [], 'speedscope shows one lane (profile) at a time; it imported all lanes');
}

function summarise(viewer: Result['viewer'], events: number, openMs: number[], frames: number[], draws: number[], notes?: string): Result {
  const r: Result = {
    viewer,
    events,
    loads: openMs.length,
    openMs: openMs.map((x) => Math.round(x * 10) / 10),
    openMedianMs: median(openMs),
    frames: frames.length,
    framesMs: frames.map((x) => Math.round(x * 10) / 10),
    frameMedianMs: median(frames),
    frameP95Ms: p95(frames),
    frameMaxMs: Math.max(...frames),
  };
  if (draws.length > 0) r.drawMedianMs = median(draws);
  if (notes) r.notes = notes;
  return r;
}

const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(1));

export async function main(): Promise<void> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const sizes = [100_000, 1_000_000];
  const ssFiles: Record<string, string> = {};
  for (const f of readdirSync(SPEEDSCOPE_DIR)) ssFiles[`/speedscope/${f}`] = join(SPEEDSCOPE_DIR, f);
  const profilePaths: Record<number, string> = {};
  for (const n of sizes) {
    const p = join(BENCH_DIR, `synthetic-${n}.speedscope.json`);
    writeFileSync(p, toSpeedscope(synthModel(n, 7)));
    profilePaths[n] = p;
  }
  const server = await servePage(ssFiles);
  const browser = await launch(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
  const results: Result[] = [];
  try {
    for (const n of sizes) {
      const loads = n <= 100_000 ? 5 : 1;
      console.error(`timeline ${n} events…`);
      results.push(await benchTimeline(browser, server, n, loads));
      console.error(`speedscope ${n} events…`);
      results.push(await benchSpeedscope(browser, server, n, profilePaths[n], loads));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const lines = [
    '| viewer | events | open (median ms) | loads | frame median ms | frame p95 ms | frame max ms | our draw median ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.viewer} | ${r.events.toLocaleString('en-US')} | ${fmt(r.openMedianMs)} | ${r.loads} | ${fmt(r.frameMedianMs)} | ${fmt(r.frameP95Ms)} | ${fmt(r.frameMaxMs)} | ${fmt(r.drawMedianMs)} |`),
  ];
  console.log(lines.join('\n'));
  console.log('\nTimeline open, split (medians):');
  for (const r of results.filter((x) => x.openParts)) {
    const p = r.openParts as { parseMs: number; cloneMs: number; oursMs: number };
    console.log(`- ${r.events.toLocaleString('en-US')} events: post → first frame ${fmt(r.postToPaintMedianMs)} ms = structured clone ${fmt(p.cloneMs)} ms + our code ${fmt(p.oursMs)} ms (JSON.parse before posting: ${fmt(p.parseMs)} ms); as 'traceJson' text: post → first frame ${fmt(r.jsonPostToPaintMedianMs)} ms`);
  }
  console.log('\nTargets: timeline open ≤150 ms at 100k; frames ≤16 ms median/p95 at 100k.');
  writeFileSync(join(BENCH_DIR, 'timeline.json'), JSON.stringify({ when: new Date().toISOString(), chromium: '/usr/bin/chromium', results }, null, 2));
  console.log('wrote .bench/timeline.json');
}
