#!/usr/bin/env node
/* global CanvasRenderingContext2D, requestAnimationFrame -- these run in the page (page.evaluate) */
// Canvas calls per Timeline frame at 100k events: a deterministic companion to bench:timeline, whose
// frame times swing with the machine's load. Instruments CanvasRenderingContext2D's drawing methods on
// the bench page, runs bench:timeline's gestures (20 zoom-ins, 30 pans, 10 zoom-outs on the same synthetic
// model) and counts each method's calls per frame, plus one redraw at Fit.
//
//   node scripts/bench-timeline-calls.mjs [--tree DIR]… [--events N] [--json OUT]
//
// Each --tree (default: this one) must be built (npm run build) and have its tests compiled
// (npx tsc -p tsconfig.test.json): its own harness serves its own dist/webview.js, so trees compare
// side by side (e.g. a detached worktree of main). The gestures and their dispatch are this tree's
// (test/webview/gestures.ts, shared with bench:timeline), so every tree gets the same ones.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const trees = [];
let events = 100_000;
let jsonOut = '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tree') trees.push(resolve(args[++i]));
  else if (args[i] === '--events') events = Number(args[++i]);
  else if (args[i] === '--json') jsonOut = args[++i];
  else {
    console.error(`unknown argument ${args[i]}`);
    process.exit(2);
  }
}
const here = resolve(new URL('..', import.meta.url).pathname);
if (trees.length === 0) {
  trees.push(here);
  for (const [cmd, a] of [
    ['node', ['esbuild.mjs']],
    ['npx', ['tsc', '-p', 'tsconfig.test.json']],
  ]) {
    const r = spawnSync(cmd, a, { cwd: here, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) process.exit(1);
  }
}

const METHODS = [
  'fillText',
  'measureText',
  'fillRect',
  'strokeRect',
  'drawImage',
  'fill',
  'stroke',
  'beginPath',
  'arc',
  'save',
  'restore',
  'font get',
  'font set',
];

const { gestures, WHEEL_SCRIPT } = createRequire(`${here}/`)(`${here}/out/test/webview/gestures.js`);

async function countTree(tree) {
  const require = createRequire(`${tree}/`);
  const harness = require(`${tree}/out/test/webview/harness.js`);
  const { synthModel } = require(`${tree}/out/test/webview/models.js`);
  const server = await harness.servePage();
  const browser = await harness.launch();
  try {
    const page = await harness.openTimeline(browser, server, { width: 1400, height: 860 });
    await harness.postLarge(page, synthModel(events, 7), false, 'columns');
    const box = await page.locator('canvas').boundingBox();
    const at = { x: box.x + 190 + (box.width - 190) / 2, y: box.y + 200 };
    await page.evaluate(WHEEL_SCRIPT);
    return await page.evaluate(
      async ({ at, specs, methods }) => {
        const counts = Object.fromEntries(methods.map((m) => [m, 0]));
        const proto = CanvasRenderingContext2D.prototype;
        for (const m of methods) {
          if (m.startsWith('font')) continue;
          const orig = proto[m];
          proto[m] = function (...a) {
            counts[m]++;
            return orig.apply(this, a);
          };
        }
        // Reading ctx.font serialises the font (as costly as a measureText); setting a different one parses it.
        const font = Object.getOwnPropertyDescriptor(proto, 'font');
        Object.defineProperty(proto, 'font', {
          configurable: true,
          get() {
            counts['font get']++;
            return font.get.call(this);
          },
          set(value) {
            counts['font set']++;
            font.set.call(this, value);
          },
        });
        const canvas = document.querySelector('canvas');
        const target = document.elementFromPoint(at.x, at.y);
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        const take = () => {
          const c = { ...counts };
          for (const m of methods) counts[m] = 0;
          return c;
        };
        const out = [];
        // A redraw at Fit first: a zoom by a factor of 1 draws the view again, unchanged.
        await frame();
        take();
        for (const s of [{ group: 'fit', deltaX: 0, deltaY: 0, ctrlKey: true }, ...specs]) {
          const before = Number(canvas.dataset.frames);
          window.__benchWheel(target, at, s);
          await frame();
          await frame();
          out.push({ group: s.group, drew: Number(canvas.dataset.frames) > before, ...take() });
        }
        return out;
      },
      { at, specs: gestures(100, 60), methods: METHODS },
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
for (const tree of trees) {
  console.error(`counting ${tree}…`);
  const frames = await countTree(tree);
  results[tree] = frames;
  const undrawn = frames.filter((f) => !f.drew).length;
  console.log(
    `\n${tree}: ${events.toLocaleString('en-US')} events${undrawn ? ` (${undrawn} gestures drew no frame)` : ''}`,
  );
  console.log(`| frames | ${METHODS.join(' | ')} |`);
  console.log(`|---|${METHODS.map(() => '---:').join('|')}|`);
  for (const group of ['fit', 'zoom-in', 'pan', 'zoom-out', 'all']) {
    const fs = frames.filter((f) => f.drew && (group === 'all' ? f.group !== 'fit' : f.group === group));
    if (fs.length === 0) continue;
    const cell = (m) => {
      const xs = fs.map((f) => f[m]);
      return fs.length === 1 ? `${xs[0]}` : `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
    };
    console.log(`| ${group} ×${fs.length} | ${METHODS.map(cell).join(' | ')} |`);
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ events, results }, null, 2));
