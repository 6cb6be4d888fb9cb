/**
 * The static checks: parse Python with @lezer/python (error-tolerant, so half-typed code still
 * gets findings) and run every rule. Pure: no editor, no Node APIs, no Python.
 */
import { parser } from '@lezer/python';
import { TreeFragment, type Tree } from '@lezer/common';
import { CheckContext } from './context';
import { checkAsyncio } from './rules/asyncio';
import { checkEventLoop } from './rules/eventLoop';
import { checkProcesses } from './rules/processes';
import { checkThreads } from './rules/threads';
import type { Finding, Fix, TextEdit } from './types';

export function parsePython(text: string): Tree {
  return parser.parse(text);
}

/**
 * Parses `text` reusing the unchanged parts of the tree of `previous` (the text before an edit): the
 * changed range is found by comparing the two texts' common prefix and suffix.
 */
export function reparsePython(previous: { text: string; tree: Tree }, text: string): Tree {
  const old = previous.text;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  const fragments = TreeFragment.applyChanges(TreeFragment.addTree(previous.tree), [
    { fromA: start, toA: endOld, fromB: start, toB: endNew },
  ]);
  return parser.parse(text, fragments);
}

/** Every finding in `text`, in document order. */
export function checkPython(text: string, tree: Tree = parsePython(text)): Finding[] {
  const ctx = new CheckContext(tree, text);
  checkAsyncio(ctx);
  checkEventLoop(ctx);
  checkThreads(ctx);
  checkProcesses(ctx);
  return ctx.findings.sort((a, b) => a.from - b.from || a.to - b.to || a.code.localeCompare(b.code));
}

/** Applies one fix's edits (which never overlap) to the text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from || b.to - a.to))
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/**
 * The text with every available fix applied: one fix at a time, re-checking after each (so offsets
 * and added imports stay right), until no finding offers a fix. Returns the fixes applied.
 */
export function fixAll(text: string, maxRounds = 100): { text: string; applied: Fix[] } {
  const applied: Fix[] = [];
  let current = text;
  const tried = new Set<string>();
  for (let round = 0; round < maxRounds; round++) {
    const next = checkPython(current).find(
      (f) => f.fixes.length > 0 && !tried.has(`${f.code}@${f.from}:${current.length}`),
    );
    if (!next) break;
    tried.add(`${next.code}@${next.from}:${current.length}`);
    const fix = next.fixes[0];
    current = applyEdits(current, fix.edits);
    applied.push(fix);
  }
  return { text: current, applied };
}
