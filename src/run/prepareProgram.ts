/**
 * Writes the program to a private temp directory so the child runs exactly what the editor shows
 * (unsaved and untitled text included) and spawn/forkserver children can re-import it by path.
 * A selection taken from inside a function is dedented; `toUser` maps locations back.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { layoutSelection } from './selectionPrelude';
import { asUtf8Source } from './sourceEncoding';
import type { ProgramSource } from './types';

export interface PreparedProgram {
  /** Private directory (0700) holding the program and the tracer's event files. */
  dir: string;
  /** The program file the child runs. */
  file: string;
  /** Where the tracer writes events-<pid>.jsonl. */
  outDir: string;
  /** Leading white space removed from every line of a selection. */
  indent: string;
  /** Traced line L (1-based) is document line L + lineOffset. */
  lineOffset: number;
  title: string;
  /** Label for the program file in the timeline. */
  label: string;
  /** Traced-file location (1-based line and column) → the user's document. */
  toUser(line: number, column?: number): { line: number; column?: number };
  cleanup(): Promise<void>;
}

/**
 * For each line, whether it starts inside a triple-quoted string. Those lines are string content:
 * their indentation is data, so dedenting must neither count nor change them.
 */
export function stringContinuations(lines: readonly string[]): boolean[] {
  const out: boolean[] = [];
  let open: string | undefined; // the triple quote we are inside
  for (const line of lines) {
    out.push(open !== undefined);
    let i = 0;
    while (i < line.length) {
      if (open !== undefined) {
        const end = line.indexOf(open, i);
        if (end < 0) break;
        if (backslashesBefore(line, end) % 2 === 1) {
          i = end + 1;
          continue;
        }
        i = end + 3;
        open = undefined;
        continue;
      }
      const c = line[i];
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (line.startsWith(c.repeat(3), i)) {
          open = c.repeat(3);
          i += 3;
          continue;
        }
        // a one-line string: skip to its closing quote
        let j = i + 1;
        while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
        i = j + 1;
        continue;
      }
      i++;
    }
  }
  return out;
}

function backslashesBefore(line: string, at: number): number {
  let n = 0;
  while (at - n - 1 >= 0 && line[at - n - 1] === '\\') n++;
  return n;
}

/** Common leading white space of the non-blank lines (skipping those marked in `skip`). */
export function commonIndent(lines: readonly string[], skip: readonly boolean[] = []): string {
  let prefix: string | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (skip[k] || line.trim() === '') continue;
    const ws = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (prefix === undefined) prefix = ws;
    else {
      let i = 0;
      while (i < prefix.length && i < ws.length && prefix[i] === ws[i]) i++;
      prefix = prefix.slice(0, i);
    }
    if (prefix === '') break;
  }
  return prefix ?? '';
}

export function dedent(text: string): { text: string; indent: string } {
  const lines = text.split(/\r?\n/);
  const inString = stringContinuations(lines);
  const indent = commonIndent(lines, inString);
  if (indent === '') return { text: lines.join('\n'), indent };
  return { text: lines.map((l, k) => (inString[k] ? l : l.startsWith(indent) ? l.slice(indent.length) : l.trimStart())).join('\n'), indent };
}

/** A file name that says what ran, safe on every OS, ending in .py. */
export function programFileName(program: ProgramSource): string {
  const base = parse(program.userFile ?? program.displayName).name || 'program';
  const safe = base.normalize('NFC').replace(/[^\p{L}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'program';
  return `${safe}${program.isSelection ? '_selection' : ''}.py`;
}

export async function prepareProgram(program: ProgramSource, root = tmpdir()): Promise<PreparedProgram> {
  const dir = await mkdtemp(join(root, 'concurrency-lab-'));
  try {
    const dedented = program.isSelection ? dedent(program.text) : { text: program.text.replace(/\r\n/g, '\n'), indent: '' };
    const { indent } = dedented;
    // With a prelude the file mirrors the document line for line (imports above, the selection in place).
    const mirrored = program.isSelection && program.prelude !== undefined && program.startLine > 0;
    const text = mirrored ? layoutSelection(program.prelude ?? [], program.startLine, dedented.text) : dedented.text;
    const file = join(dir, programFileName(program));
    const source = asUtf8Source(text); // (written as UTF-8 whatever its encoding cookie says)
    await writeFile(file, source.endsWith('\n') ? source : `${source}\n`, { encoding: 'utf8', mode: 0o600 });
    const outDir = join(dir, 'events');
    await mkdir(outDir, { mode: 0o700 });
    const lineCount = program.text.split(/\r?\n/).filter((_, i, a) => i < a.length - 1 || a[i] !== '').length;
    const title = program.isSelection
      ? `selection of ${program.displayName} (lines ${program.startLine + 1}–${program.startLine + Math.max(1, lineCount)})`
      : program.displayName;
    const lineOffset = mirrored ? 0 : program.startLine;
    // Only the selection's own lines were dedented; prelude lines keep their columns.
    const shifted = (line: number): boolean => !mirrored || line > program.startLine;
    return {
      dir, file, outDir, indent, lineOffset, title,
      label: program.isSelection ? `selection of ${program.displayName}` : program.displayName,
      toUser: (line, column) => ({ line: line + lineOffset, column: column === undefined ? undefined : column + (shifted(line) ? indent.length : 0) }),
      cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
