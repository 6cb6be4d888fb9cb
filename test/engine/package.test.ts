// The .vsix holds only what runs, everything the manifest points at, and stays small.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, withTempDir } from './engineHelpers';

const run = promisify(execFile);
const vsce = join(repoRoot, 'node_modules', '.bin', 'vsce');
const FLAGS = ['--no-dependencies'];
const PACKAGE_FLAGS = [...FLAGS, '--allow-missing-repository', '--no-rewrite-relative-links'];

interface Manifest {
  main: string;
  icon?: string;
  contributes: { snippets: { path: string }[]; walkthroughs: { steps: { media: { markdown?: string } }[] }[] };
}

test('the package lists only runtime files and every file the manifest names', { timeout: 120_000 }, async () => {
  const { stdout } = await run(vsce, ['ls', ...FLAGS], { cwd: repoRoot });
  const files = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const forbidden = files.filter((f) => /^(src|test|scripts|out|node_modules|\.vscode-test)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') || f.includes('__pycache__'));
  assert.deepEqual(forbidden, []);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const named = [
    manifest.main.replace(/^\.\//, ''),
    manifest.icon ?? '',
    'dist/webview.js',
    'dist/tracer/launch.py',
    'dist/tracer/concurrency_lab_tracer/preflight.py',
    'dist/tracer/concurrency_lab_tracer/runenv.py',
    'dist/tracer/inject/sitecustomize.py',
    'media/timeline.css',
    ...manifest.contributes.snippets.map((s) => s.path.replace(/^\.\//, '')),
    ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown ?? '')),
  ].filter(Boolean);
  const missing = named.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], 'files the extension loads at run time are in the package');
  assert.ok(files.some((f) => f.startsWith('media/demos/') && f.endsWith('.py')), 'the demos are in the package');
});

test('the .vsix stays under 1 MB', { timeout: 120_000 }, async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'lab.vsix');
    await run(vsce, ['package', ...PACKAGE_FLAGS, '--out', out], { cwd: repoRoot });
    const size = statSync(out).size;
    assert.ok(size < 1024 * 1024, `the .vsix is ${(size / 1024).toFixed(0)} KiB`);
  });
});
