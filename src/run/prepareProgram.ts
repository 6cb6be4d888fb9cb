/**
 * The run's private temp folder, and the file the child runs. A saved file runs as itself (its
 * `__file__`, `sys.argv[0]` and `sys.path[0]` are those of `python FILE`; it reads and writes the
 * files beside it). Unsaved and untitled text and selections are written to a copy in the temp
 * folder, so the child runs exactly what the editor shows and spawn/forkserver children can
 * re-import it by path; a selection taken from inside a function is dedented; `toUser` maps
 * locations back.
 *
 * The tracer's event files go to a folder whose name is a per-run secret inside a folder other users'
 * programs cannot list (mode 0300 while the program runs), and every event file opens with the run's
 * token (eventTail.ts): neither is shown to the program (processes.take_run_settings), so a program that writes event
 * files cannot add lanes or errors to its trace.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { layoutSelection } from './selectionPrelude';
import { asUtf8Source } from './sourceEncoding';
import type { ProgramSource } from './types';

export interface PreparedProgram {
  /** Private directory holding the program copy (if any) and the tracer's event files. */
  dir: string;
  /** The program file the child runs: the user's own file, or the copy. */
  file: string;
  /** True when `file` is a copy in the temp folder (unsaved text, a selection). */
  isCopy: boolean;
  /** Where the tracer writes events-<pid>.jsonl (its name is the run's secret). */
  outDir: string;
  /** Where the launcher writes its pre-run report (preflight.py). */
  checkFile: string;
  /** Secret of this run that every event file opens with (eventTail.ts). */
  runToken: string;
  /** Leading white space removed from every line of a selection. */
  indent: string;
  /** Traced line L (1-based) is document line L + lineOffset. */
  lineOffset: number;
  title: string;
  /** Label for the program file in the timeline. */
  label: string;
  /**
   * True when the file's lines are not the document's line for line (definitions from below a selection
   * run before it), so the model's lines go through toUser; else lineOffset says it all.
   */
  movesLines: boolean;
  /** Traced-file location (1-based line and column) → the user's document. */
  toUser(line: number, column?: number): { line: number; column?: number };
  /** Closes `dir` to listing while the program runs (its entries stay reachable by name). */
  hide(): Promise<void>;
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
  return {
    text: lines
      .map((l, k) => (inString[k] ? l : l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
      .join('\n'),
    indent,
  };
}

/** A file name that says what ran, safe on every OS, ending in .py. */
export function programFileName(program: ProgramSource): string {
  const base = parse(program.userFile ?? program.displayName).name || 'program';
  const safe =
    base
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}_-]+/gu, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 60) || 'program';
  return `${safe}${program.isSelection ? '_selection' : ''}.py`;
}

export async function prepareProgram(program: ProgramSource, root = tmpdir()): Promise<PreparedProgram> {
  const dir = await mkdtemp(join(root, 'concurrency-lab-'));
  try {
    const dedented = program.isSelection
      ? dedent(program.text)
      : { text: program.text.replace(/\r\n/g, '\n'), indent: '' };
    const { indent } = dedented;
    // With a prelude the file mirrors the document line for line (imports above, the selection in place).
    // (Definitions from below the selection go just before it, which moves it down: `layout` maps lines back.)
    const mirrored =
      program.isSelection && program.prelude !== undefined && (program.startLine > 0 || program.prelude.length > 0);
    const layout = mirrored ? layoutSelection(program.prelude ?? [], program.startLine, dedented.text) : undefined;
    const text = layout ? layout.text : dedented.text;
    const inPlace = program.onDisk === true && !program.isSelection && program.userFile !== undefined;
    let file: string;
    if (inPlace && program.userFile) {
      file = program.userFile;
    } else {
      const copyDir = join(dir, 'program');
      await mkdir(copyDir, { mode: 0o700 });
      file = join(copyDir, programFileName(program));
      const source = asUtf8Source(text); // (written as UTF-8 whatever its encoding cookie says)
      await writeFile(file, source.endsWith('\n') ? source : `${source}\n`, { encoding: 'utf8', mode: 0o600 });
    }
    const outDir = join(dir, `events-${randomBytes(16).toString('hex')}`);
    const runToken = randomBytes(16).toString('hex');
    await mkdir(outDir, { mode: 0o700 });
    const lineCount = program.text.split(/\r?\n/).filter((_, i, a) => i < a.length - 1 || a[i] !== '').length;
    const title = program.isSelection
      ? `selection of ${program.displayName} (lines ${program.startLine + 1}–${program.startLine + Math.max(1, lineCount)})`
      : program.displayName;
    const lineOffset = layout ? 0 : program.startLine;
    // Only the selection's own lines were dedented; prelude lines keep their columns.
    const shifted = (line: number): boolean => !layout || line >= layout.selectionLine;
    return {
      dir,
      file,
      isCopy: !inPlace,
      outDir,
      checkFile: join(outDir, 'check.json'),
      runToken,
      indent,
      lineOffset,
      title,
      label: program.isSelection ? `selection of ${program.displayName}` : program.displayName,
      movesLines: layout !== undefined && layout.selectionLine !== program.startLine + 1,
      toUser: (line, column) => ({
        line: layout ? layout.documentLine(line) : line + lineOffset,
        column: column === undefined ? undefined : column + (shifted(line) ? indent.length : 0),
      }),
      hide: () => (process.platform === 'win32' ? Promise.resolve() : chmod(dir, 0o300)),
      cleanup: async () => {
        await chmod(dir, 0o700).catch(() => undefined);
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
