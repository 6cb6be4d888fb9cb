import { checkPython } from '../../../src/checks/engine';
import type { Finding } from '../../../src/checks/types';

/** Strips the common indentation of a template literal so samples can be written indented. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** `CODE:line` for every finding. */
export function found(text: string): string[] {
  return checkPython(text).map((f) => `${f.code}:${lineOf(text, f)}`);
}

export function lineOf(text: string, f: Pick<Finding, 'from'>): number {
  return text.slice(0, f.from).split('\n').length;
}
