// The .vsix holds only what runs, everything the manifest points at, and stays small.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, withTempDir } from './engineHelpers';
import { RUN_FINDING_KINDS } from '../../src/trace/findings';

const run = promisify(execFile);
const vsce = join(repoRoot, 'node_modules', '.bin', 'vsce');
const FLAGS = ['--no-dependencies'];

interface Manifest {
  main: string;
  icon?: string;
  contributes: { snippets: { path: string }[]; walkthroughs: { steps: { media: { markdown?: string } }[] }[] };
}

/** 'dist/x.js' for each joinPath(….extensionUri, 'dist', 'x.js') in src/; 'media/checks/' when a part is not a literal. */
function pathsJoinedToExtensionUri(): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/joinPath\(\s*[\w.]*[eE]xtensionUri\s*,([^)]*)\)/g)) {
          const parts: string[] = [];
          let literalOnly = true;
          for (const arg of m[1]
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean)) {
            const lit = /^'([^'$]*)'$/.exec(arg);
            if (!lit) {
              literalOnly = false;
              break;
            }
            parts.push(lit[1]);
          }
          if (parts.length > 0) out.add(parts.join('/') + (literalOnly ? '' : '/'));
        }
      }
    }
  };
  walk(join(repoRoot, 'src'));
  // a folder handed over whole (the tracer, the webview roots) is checked by its files above
  return [...out].filter((p) => p.includes('.') || p.endsWith('/')).sort();
}

test('the package lists only runtime files and every file the manifest names', { timeout: 120_000 }, async () => {
  const { stdout } = await run(vsce, ['ls', ...FLAGS], { cwd: repoRoot });
  const files = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const forbidden = files.filter(
    (f) =>
      /^(src|test|scripts|out|node_modules|\.vscode-test)\//.test(f) ||
      f.endsWith('.map') ||
      f.endsWith('.ts') ||
      f.includes('__pycache__'),
  );
  assert.deepEqual(forbidden, []);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const named = [
    manifest.main.replace(/^\.\//, ''),
    manifest.icon ?? '',
    'dist/webview.js',
    'dist/tracer/launch.py',
    'dist/tracer/probe.py',
    'dist/tracer/concurrency_lab_tracer/preflight.py',
    'dist/tracer/concurrency_lab_tracer/processes.py',
    'dist/tracer/inject/sitecustomize.py',
    'media/timeline.css',
    ...manifest.contributes.snippets.map((s) => s.path.replace(/^\.\//, '')),
    ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown ?? '')),
  ].filter(Boolean);
  const missing = named.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], 'files the extension loads at run time are in the package');
  // Every path the extension code builds from its install folder (joinPath(…extensionUri, 'a', 'b.js'))
  // is packaged; a path ending in a variable needs its folder packaged (a hand-kept list went stale once).
  const loaded = pathsJoinedToExtensionUri();
  assert.ok(loaded.length >= 8, `found the extension's own paths in src/: ${loaded.join(', ')}`);
  const unpackaged = loaded.filter((p) => (p.endsWith('/') ? !files.some((f) => f.startsWith(p)) : !files.includes(p)));
  assert.deepEqual(unpackaged, [], 'paths the extension code opens under its install folder are in the package');
  assert.ok(
    files.some((f) => f.startsWith('media/demos/') && f.endsWith('.py')),
    'the demos are in the package',
  );
  assert.ok(files.includes('media/checks/CL101.md'), 'the pitfall rule pages are in the package');
  for (const kind of RUN_FINDING_KINDS) {
    assert.ok(files.includes(`media/findings/${kind}.md`), `the run finding page of ${kind} is in the package`);
  }
});

test(
  'the .vsix as shipped (the production build) stays under 600 KB, and its details page carries its picture inline',
  { timeout: 120_000 },
  async () => {
    await withTempDir(async (dir) => {
      // What `npm run package` ships: minified bundles, no source maps. Built in a copy of the project, so the
      // development build in dist/ that other tests run stays as it is.
      for (const f of ['package.json', 'LICENSE', 'README.md', '.vscodeignore', 'esbuild.mjs', 'media', 'snippets'])
        cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
      for (const d of ['src', 'node_modules']) symlinkSync(join(repoRoot, d), join(dir, d), 'dir');
      const out = join(dir, 'lab.vsix');
      await run(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--root', dir, '--out', out], {
        cwd: repoRoot,
      });
      const size = statSync(out).size;
      assert.ok(size < 600 * 1024, `the .vsix is ${(size / 1024).toFixed(0)} KiB`);
      // The extension editor allows images from https: and data: only; there is no https home to link to.
      const readme = readFileSync(join(dir, 'out', 'package', 'README.md'), 'utf8');
      const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]*)\)/g)].map((m) => m[1]);
      assert.ok(pictures.length > 0, 'the details page has a picture');
      for (const src of pictures)
        assert.match(
          src,
          /^(data:image\/(webp|png|jpeg);base64,|https:)/,
          `a picture the details page cannot show: ${src.slice(0, 80)}`,
        );
      assert.ok(readme.length < 150 * 1024, `the inlined README is ${(readme.length / 1024).toFixed(0)} KiB`);
    });
  },
);
