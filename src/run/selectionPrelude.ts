/**
 * A selection usually uses names the file imports at its top. Running it alone would fail with a
 * NameError, so a selection run keeps the document's top-level import statements above it, each on its
 * own document line, so line numbers in the run are still the editor's.
 */

export interface PreludeLine {
  /** 0-based document line. */
  line: number;
  text: string;
}

const IMPORT = /^(import\s|from\s+\S+\s+import\b)/;

/** Bracket depth change of one line of an import statement (strings never appear in imports). */
function depthChange(text: string): number {
  const code = text.replace(/#.*$/, '');
  return (code.match(/\(/g)?.length ?? 0) - (code.match(/\)/g)?.length ?? 0);
}

/**
 * The top-level `import x` / `from x import y` statements of `lines` that start before line `before`
 * (0-based), with their continuation lines (parenthesised lists, backslashes). Indented imports
 * belong to a block and are left out.
 */
export function importPrelude(lines: readonly string[], before: number): PreludeLine[] {
  const out: PreludeLine[] = [];
  for (let i = 0; i < Math.min(before, lines.length); i++) {
    if (!IMPORT.test(lines[i])) continue;
    let depth = depthChange(lines[i]);
    let continued = /\\\s*$/.test(lines[i]);
    out.push({ line: i, text: lines[i] });
    // A statement that runs into the selection is not complete without it: drop it.
    while ((depth > 0 || continued) && i + 1 < lines.length) {
      i++;
      if (i >= before) return out.filter((p) => !isPartOf(p, lines, before));
      out.push({ line: i, text: lines[i] });
      depth += depthChange(lines[i]);
      continued = /\\\s*$/.test(lines[i]);
    }
  }
  return out;
}

function isPartOf(p: PreludeLine, lines: readonly string[], before: number): boolean {
  // Walk back from `before` to the statement start that was cut: everything from there on is dropped.
  let start = before - 1;
  while (start > 0 && !IMPORT.test(lines[start])) start--;
  return p.line >= start;
}

/**
 * The file a selection run executes: the prelude lines at their document lines, blank lines elsewhere,
 * then the (already dedented) selection from document line `startLine` on.
 */
export function layoutSelection(prelude: readonly PreludeLine[], startLine: number, selection: string): string {
  const head: string[] = new Array<string>(startLine).fill('');
  for (const p of prelude) if (p.line < startLine) head[p.line] = p.text;
  return head.length ? `${head.join('\n')}\n${selection}` : selection;
}
