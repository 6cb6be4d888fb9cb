#!/usr/bin/env node
// Renders the Timeline of every program issue 17 asks to be readable at a glance: the seed's three
// programs, every demo and every inserted pattern (snippet), traced on one Python and drawn at
// 1400×800 in the dark and light themes, named PROGRAM-PYVER-THEME.png. For looking at, not a test.
//
//   npm run build && npx tsc -p tsconfig.test.json
//   node scripts/render-gallery.mjs --python PATH --out DIR [--themes dark,light] [--only NAME,…] [--redraw]
//
// --redraw draws the models already in DIR again without tracing (after a change to the Timeline's drawing).
// Programs are traced one after another (the machine is shared) and drawn with one Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const python = option('python', 'python3');
const out = resolve(option('out', join(root, 'gallery')));
const themes = option('themes', 'dark,light').split(',');
const only = option('only', '')
  .split(',')
  .filter((s) => s !== '');
const version = spawnSync(python, ['-c', 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")'], {
  encoding: 'utf8',
}).stdout.trim();
if (!/^\d+$/.test(version)) throw new Error(`cannot run ${python}`);

const compiled = join(root, 'out', 'src');
if (!existsSync(join(compiled, 'patterns', 'catalog.js'))) throw new Error('run `npx tsc -p tsconfig.test.json` first');
const { loadCatalog } = require(join(compiled, 'patterns', 'catalog.js'));
const { openRenderer } = require(join(compiled, 'render', 'renderTimeline.js'));

const sources = join(out, 'programs');
mkdirSync(sources, { recursive: true });
/** [name, file] of every program to draw. */
const programs = [];
for (const f of readdirSync(join(root, 'test', 'fixtures', 'programs')).filter((f) => f.startsWith('seed_')))
  programs.push([basename(f, '.py'), join(root, 'test', 'fixtures', 'programs', f)]);
for (const f of readdirSync(join(root, 'media', 'demos')).filter((f) => f.endsWith('.py')))
  programs.push([`demo-${basename(f, '.py')}`, join(root, 'media', 'demos', f)]);
for (const p of loadCatalog(readFileSync(join(root, 'snippets', 'python.code-snippets'), 'utf8'))) {
  const file = join(sources, `${p.prefix}.py`);
  writeFileSync(file, p.preview.endsWith('\n') ? p.preview : `${p.preview}\n`);
  programs.push([`snippet-${p.prefix}`, file]);
}

const chosen = programs.filter(([name]) => only.length === 0 || only.some((o) => name.includes(o)));
const renderer = await openRenderer();
try {
  for (const [name, file] of chosen) {
    const model = join(out, `${name}-py${version}.json`);
    const redraw = process.argv.includes('--redraw');
    if (redraw && !existsSync(model)) continue;
    const run = redraw
      ? { status: 'not run' }
      : spawnSync(
          process.execPath,
          [join(root, 'dist', 'cli.js'), 'trace', file, '--json', model, '--python', python, '--timeout', '30'],
          { encoding: 'utf8' },
        );
    if (!existsSync(model)) {
      console.log(`${name}: not traced (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
      continue;
    }
    for (const theme of themes) {
      const png = await renderer.render(JSON.parse(readFileSync(model, 'utf8')), { theme });
      writeFileSync(join(out, `${name}-py${version}-${theme}.png`), png);
    }
    console.log(`${name}: exit ${run.status}`);
  }
} finally {
  await renderer.close();
}
