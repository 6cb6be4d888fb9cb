#!/usr/bin/env node
// `npm run package`: the production build, then python-concurrency-lab.vsix. Its details page (the
// Extensions view's page, rendered from the packaged README) allows images only from https: and data:
// (img-src in VS Code 1.100's extension editor); this project has no public repository for vsce to
// rewrite relative links to, so the packaged README gets each local picture inlined as a data: URI
// (written to out/package/README.md and handed to vsce with --readme-path). GitHub renders the
// repository's README with the same pictures through their relative links.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { REPO_ROOT } from './vscode/codeServer.mjs';

const TYPES = {
  '.webp': 'image/webp',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
};

/** README text with every `![alt](relative/picture)` of a raster picture inlined as a data: URI. */
function inlinePictures(markdown, root) {
  return markdown.replace(/!\[([^\]]*)\]\(((?!\w+:)[^)\s]+)\)/g, (all, alt, file) => {
    const type = TYPES[extname(file).toLowerCase()];
    if (!type) return all;
    return `![${alt}](data:${type};base64,${readFileSync(join(root, file)).toString('base64')})`;
  });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// node scripts/package.mjs [--no-build] [--out FILE] [--root DIR]
//   --no-build: package the dist/ already built; --root: package a copy of the project in DIR (its manifest,
//   media, snippets, .vscodeignore, esbuild.mjs, and src/ and node_modules/ or links to them) instead of this
//   one, so a test can build and measure what ships without replacing the development build in dist/.
const argv = process.argv.slice(2);
const root = argv.includes('--root') ? resolve(argv[argv.indexOf('--root') + 1]) : REPO_ROOT;
const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'python-concurrency-lab.vsix';
const outDir = join(root, 'out', 'package');
mkdirSync(outDir, { recursive: true });
const readme = join(outDir, 'README.md');
writeFileSync(readme, inlinePictures(readFileSync(join(root, 'README.md'), 'utf8'), root));
if (!argv.includes('--no-build')) run('node', ['esbuild.mjs', '--production']);
// vsce looks the README up relative to the package root.
run('npx', [
  'vsce',
  'package',
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--readme-path',
  'out/package/README.md',
  '--out',
  out,
]);
