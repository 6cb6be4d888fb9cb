// The import rules of eslint.layers.cjs fire: each case lints a one-line file placed in a folder of src/.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the rules live in a CommonJS file ESLint's config imports
const { layerConfigs } = require(join(ROOT, 'eslint.layers.cjs')) as { layerConfigs: Linter.Config[] };

async function blocked(file: string, source: string): Promise<boolean> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerConfigs],
  });
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, file) });
  return result.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const CASES: [file: string, source: string, blocked: boolean][] = [
  ['src/shared/probe.ts', "import { x } from '../run/types';", true],
  ['src/shared/probe.ts', "import { x } from './traceModel';", false],
  ['src/shared/probe.ts', "import { join } from 'node:path';", true],
  ['src/webview/probe.ts', "import { x } from '../shared/traceModel';", false],
  ['src/webview/probe.ts', "import { x } from '../trace/buildModel';", true],
  ['src/webview/probe.ts', "import * as vscode from 'vscode';", true],
  ['src/trace/probe.ts', "import { x } from '../shared/eventKinds';", false],
  ['src/trace/probe.ts', "import { x } from '../run/types';", true],
  ['src/trace/build/probe.ts', "import { x } from '../rawData';", false],
  ['src/trace/build/probe.ts', "import { x } from '../../shared/traceModel';", false],
  ['src/trace/build/probe.ts', "import { x } from '../../host/settings';", true],
  ['src/run/probe.ts', "import { x } from '../trace/schema';", false],
  ['src/run/probe.ts', "import * as vscode from 'vscode';", true],
  ['src/run/probe.ts', "import { x } from '../host/settings';", true],
  ['src/checks/probe.ts', "import { x } from '../shared/traceModel';", false],
  ['src/checks/probe.ts', "import { x } from '../trace/schema';", true],
  ['src/explore/probe.ts', "import { x } from '../run/runTraced';", false],
  ['src/explore/probe.ts', "import { x } from '../host/settings';", true],
  ['src/explore/probe.ts', "import { x } from '../checks/catalog';", false],
  ['src/host/probe.ts', "import { x } from '../run/runTraced';", false],
  ['src/host/probe.ts', "import * as vscode from 'vscode';", false],
  ['src/host/probe.ts', "import { x } from '../webview/app';", true],
];

for (const [file, source, expected] of CASES) {
  void test(`${file}: ${source} is ${expected ? 'refused' : 'allowed'}`, async () => {
    assert.equal(await blocked(file, source), expected);
  });
}
