/**
 * A selection usually uses names the file defines elsewhere: its imports, and the functions, classes
 * and constants defined at the top of the module. Running it alone would fail with a NameError, so a
 * selection run brings along a dependency slice of the module: every top-level import above the
 * selection, and, transitively, the top-level definitions above it that the selection uses. Statements
 * with effects (calls, loops, prints, `if __name__` blocks) never come along. Each line keeps its
 * document line, so line numbers in the run are still the editor's.
 */
import { parser } from '@lezer/python';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface PreludeLine {
  /** 0-based document line. */
  line: number;
  text: string;
}

export interface SelectionPrelude {
  lines: PreludeLine[];
  /** Names of the definitions brought along (not the imports), in document order: "worker", "N". */
  definitions: string[];
}

/** A top-level statement above the selection that may come along. */
interface Candidate {
  node: SyntaxNode;
  firstLine: number;
  lastLine: number;
  /** Names it binds at module level. */
  binds: string[];
}

const DEFINITIONS = new Set(['FunctionDefinition', 'ClassDefinition', 'DecoratedStatement']);

/** 0-based line of each offset, by binary search over line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/** Every name read or written in [from, to) (attribute names excluded: `x.y` only uses x). */
function namesIn(root: SyntaxNode, text: string, from: number, to: number): Set<string> {
  const names = new Set<string>();
  const cursor = root.cursor();
  do {
    if (cursor.to <= from || cursor.from >= to) continue;
    if (cursor.name === 'VariableName') names.add(text.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return names;
}

/** The name a def/class statement binds (a decorated one: of the definition under the decorators). */
function definedName(node: SyntaxNode, text: string): string | undefined {
  const def = node.name === 'DecoratedStatement' ? node.getChild('FunctionDefinition') ?? node.getChild('ClassDefinition') : node;
  const name = def?.getChild('VariableName');
  return name ? text.slice(name.from, name.to) : undefined;
}

/**
 * The plain names an assignment binds (`N = 3`, `A = B = 1`, `a, b = 1, 2`, `x: int = 5`), or undefined
 * when it also assigns to anything else (`obj.x = 1`, `d[k] = v`, `N += 1`), which is an effect.
 */
function assignedNames(node: SyntaxNode, text: string): string[] | undefined {
  const children: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) children.push(c);
  const ops = children.filter((c) => c.name === 'AssignOp');
  if (ops.length === 0 || ops.some((op) => text.slice(op.from, op.to) !== '=')) return undefined;
  // Targets are everything before the last "=": plain names, or tuples and lists of them.
  const last = children.lastIndexOf(ops[ops.length - 1]);
  const names: string[] = [];
  for (const c of children.slice(0, last)) {
    if (c.name === 'AssignOp' || c.name === ',' || c.name === 'TypeDef') continue;
    const targets = c.name === 'TupleExpression' || c.name === 'ArrayExpression' ? innerItems(c) : [c];
    for (const t of targets) {
      if (t.name !== 'VariableName') return undefined;
      names.push(text.slice(t.from, t.to));
    }
  }
  return names.length > 0 ? names : undefined;
}

/** Names in the targets of an assignment or augmented assignment (before its last = or +=). */
function targetNames(node: SyntaxNode, text: string): string[] {
  let lastOp: SyntaxNode | null = null;
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === 'AssignOp' || c.name === 'UpdateOp') lastOp = c;
  return lastOp ? [...namesIn(node, text, node.from, lastOp.from)] : [];
}

function innerItems(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (![',', '(', ')', '[', ']'].includes(c.name)) out.push(c);
  return out;
}

/**
 * The prelude of a selection of `lines` from document line `start` to `end` (0-based, exclusive): the
 * top-level imports above `start`, and the definitions above it that the selection needs, transitively.
 * A definition that is bound more than once at top level is ambiguous and left out.
 */
export function selectionPrelude(lines: readonly string[], start: number, end: number = start): SelectionPrelude {
  const text = lines.join('\n');
  const tree = parser.parse(text);
  const lineOf = lineIndex(text);
  const imports: Candidate[] = [];
  const definitions = new Map<string, Candidate>();
  const bindings = new Map<string, number>();
  for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
    const firstLine = lineOf(node.from);
    // The statement's last line: its end offset is just past its newline, when it has one.
    const lastLine = lineOf(Math.max(node.from, node.to - (text[node.to - 1] === '\n' ? 2 : 1)));
    let binds: string[] | undefined;
    if (node.name === 'ImportStatement') binds = [];
    else if (DEFINITIONS.has(node.name)) binds = [definedName(node, text) ?? ''].filter(Boolean);
    else if (node.name === 'AssignStatement') binds = assignedNames(node, text);
    // Any other top-level assignment (N += 1, obj.x = 1) changes what its target names hold.
    const rebinds = binds ?? (node.name === 'UpdateStatement' || node.name === 'AssignStatement' ? targetNames(node, text) : []);
    for (const name of rebinds) bindings.set(name, (bindings.get(name) ?? 0) + 1);
    // Only whole statements above the selection can come along (not the one it is part of).
    if (binds === undefined || lastLine >= start || node.type.isError) continue;
    const candidate = { node, firstLine, lastLine, binds };
    if (node.name === 'ImportStatement') imports.push(candidate);
    else for (const name of binds) definitions.set(name, candidate);
  }

  const offsetOfLine = (line: number): number => (line <= 0 ? 0 : lines.slice(0, line).join('\n').length + 1);
  const wanted = [...namesIn(tree.topNode, text, offsetOfLine(start), end >= lines.length ? text.length : offsetOfLine(end))];
  const chosen = new Set<Candidate>();
  while (wanted.length > 0) {
    const name = wanted.pop() as string;
    const def = definitions.get(name);
    if (!def || chosen.has(def) || (bindings.get(name) ?? 0) > 1) continue;
    chosen.add(def);
    wanted.push(...namesIn(tree.topNode, text, def.node.from, def.node.to));
  }

  const included = [...imports, ...chosen].sort((a, b) => a.firstLine - b.firstLine);
  const out: PreludeLine[] = [];
  for (const c of included) for (let l = c.firstLine; l <= c.lastLine; l++) out.push({ line: l, text: lines[l] });
  const names = [...chosen].sort((a, b) => a.firstLine - b.firstLine).flatMap((c) => c.binds);
  return { lines: out, definitions: names };
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
