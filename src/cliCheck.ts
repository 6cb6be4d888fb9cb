/**
 * concurrency-lab check FILE [--json] [--fix]
 *
 * Exit code: 1 when an error or warning was found (0 with --fix), 2 when FILE cannot be read.
 */
import { readFile } from 'node:fs/promises';
import { checkPython, fixAll } from './checks/engine';
import { toJson, toText } from './checks/report';

export const CHECK_USAGE = `usage: concurrency-lab check FILE [--json] [--fix]

Checks FILE for concurrency pitfalls without running it (the same checks as the editor's diagnostics).

options:
  --json             print the findings as a JSON array (1-based lines and columns, with fixes)
  --fix              print FILE with every available fix applied

exit code: 1 when an error or warning was found (0 with --fix), 2 when FILE cannot be read.`;

/** `concurrency-lab check FILE [--json] [--fix]`. */
export async function checkMain(argv: readonly string[]): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.find((a) => a.startsWith('--') && a !== '--json' && a !== '--fix');
  const error = unknown
    ? `unknown option ${unknown}`
    : files.length !== 1
      ? files.length
        ? 'check takes one FILE'
        : 'missing FILE'
      : undefined;
  if (error) {
    console.error(`concurrency-lab: ${error}\n\n${CHECK_USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(files[0], 'utf8');
  } catch (e) {
    console.error(`concurrency-lab: cannot read ${files[0]}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  if (argv.includes('--fix')) {
    process.stdout.write(fixAll(text).text);
    return 0;
  }
  const findings = checkPython(text);
  if (argv.includes('--json')) console.log(JSON.stringify(toJson(text, findings), null, 2));
  else if (findings.length) console.log(toText(files[0], text, findings));
  return findings.some((f) => f.severity !== 'information') ? 1 : 0;
}
