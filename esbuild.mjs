// One build script for every runtime: the extension host and CLI (node/cjs) and the
// webview (browser/iife). The Python tracer ships as plain .py files copied next to the bundles.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['playwright-core'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['src/webview/explore/main.ts'],
    outfile: 'dist/exploreView.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

function copyTracer() {
  rmSync('dist/tracer', { recursive: true, force: true });
  mkdirSync('dist/tracer', { recursive: true });
  cpSync('src/tracer', 'dist/tracer', {
    recursive: true,
    filter: (p) => !p.includes('__pycache__') && !p.endsWith('.pyc'),
  });
}

if (watch) {
  copyTracer();
  for (const t of targets) await (await esbuild.context(t)).watch();
} else {
  rmSync('dist', { recursive: true, force: true });
  await Promise.all(targets.map((t) => esbuild.build(t)));
  copyTracer();
}
