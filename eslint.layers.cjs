// The layers of src/, kept by ESLint (no-restricted-imports): which top-level folders each folder may
// import, and whether it may use `vscode` and Node's built-in modules. Imported by eslint.config.mjs;
// test/unit/layers.test.ts proves the rules fire. A folder not listed here has no rule: add new ones.
'use strict';

/** folder → { may: folders it may import besides itself, vscode, node: may it import those }. */
const LAYERS = {
  shared: { may: [], vscode: false, node: false }, // pure: imports nothing
  webview: { may: ['shared'], vscode: false, node: false }, // browser code
  checks: { may: ['shared'], vscode: false, node: false }, // pure static analysis
  patterns: { may: ['shared'], vscode: false, node: false }, // the pattern catalog: pure data
  trace: { may: ['shared'], vscode: false, node: true }, // the trace model
  run: { may: ['trace', 'shared'], vscode: false, node: true }, // the run engine
  explore: { may: ['run', 'trace', 'shared', 'checks'], vscode: false, node: true }, // run orchestration over the engine (checks: the catalogue's words)
  timeline: { may: ['shared'], vscode: true, node: true }, // the panel (VS Code glue)
  host: { may: ['run', 'trace', 'shared', 'patterns', 'timeline', 'explore', 'checks'], vscode: true, node: true },
  commands: {
    may: ['host', 'run', 'trace', 'shared', 'patterns', 'timeline', 'explore', 'checks'],
    vscode: true,
    node: true,
  },
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Config objects for files `depth` folders below src/<folder>/ (depth 0 = directly in it). */
function rulesAt(folder, { may, vscode, node }, depth) {
  const up = '\\.\\./'.repeat(depth + 1);
  const allowed = may.map(escape).join('|');
  const patterns = [
    {
      // ../<other folder> at the depth that leaves this folder; deeper climbs leave src/ itself.
      regex: allowed ? `^${up}(?!(?:${allowed})(?:/|$))` : `^${up}`,
      message: `src/${folder} may import ${may.length ? may.map((m) => `src/${m}`).join(', ') : 'nothing outside itself'} (eslint.layers.cjs).`,
    },
  ];
  if (!node)
    patterns.push({
      regex: '^node:',
      message: `src/${folder} runs outside Node (or is pure): no Node built-in modules.`,
    });
  const paths = vscode
    ? []
    : [
        {
          name: 'vscode',
          message: `src/${folder} must not depend on VS Code: only src/host, src/commands and src/timeline do.`,
        },
      ];
  const sub = depth === 0 ? '*.ts' : `${'*/'.repeat(depth)}*.ts`;
  return { files: [`src/${folder}/${sub}`], rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

/** Flat-config entries for every layer, for files up to three folders deep. */
const layerConfigs = Object.entries(LAYERS).flatMap(([folder, layer]) =>
  [0, 1, 2, 3].map((d) => rulesAt(folder, layer, d)),
);

module.exports = { LAYERS, layerConfigs };
