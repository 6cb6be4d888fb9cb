/**
 * A selection usually uses names the file defines elsewhere: its imports, and the functions, classes
 * and constants defined at the top of the module. Running it alone would fail with a NameError, so a
 * selection run brings along a dependency slice of the module: every top-level import above the
 * selection, and, transitively, the top-level definitions it uses. Statements with effects (calls,
 * loops, prints, `if __name__` blocks) never come along. Definitions above the selection keep their
 * document lines. A definition below it (a helper the selected main block calls, defined after it) has
 * to run before the selection, out of its place, so it comes along only when running it has no effect
 * (isPure): a def without decorators whose defaults and annotations call nothing, a class of such defs
 * and constants, a constant of literals and names. It is placed just before the selection, which moves
 * down by as many lines; layoutSelection says which document line each line of the run is.
 */
import { parser } from '@lezer/python';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface PreludeLine {
  /** 0-based document line. */
  line: number;
  text: string;
}

export interface SelectionPrelude {
  /** The imports and definitions brought along, in document order (those below the selection last). */
  lines: PreludeLine[];
  /** Names of the definitions brought along (not the imports), in document order: "worker", "N". */
  definitions: string[];
  /** Those of `definitions` that stand below the selection (and run before it). */
  fromBelow: string[];
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
  const def =
    node.name === 'DecoratedStatement'
      ? (node.getChild('FunctionDefinition') ?? node.getChild('ClassDefinition'))
      : node;
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
    const rebinds =
      binds ?? (node.name === 'UpdateStatement' || node.name === 'AssignStatement' ? targetNames(node, text) : []);
    for (const name of rebinds) bindings.set(name, (bindings.get(name) ?? 0) + 1);
    // Only whole statements can come along (not the one the selection is part of); from below the
    // selection, only definitions without effects.
    if (binds === undefined || node.type.isError) continue;
    const above = lastLine < start;
    if (!above && (firstLine < end || node.name === 'ImportStatement' || !isPure(node, text))) continue;
    const candidate = { node, firstLine, lastLine, binds };
    if (node.name === 'ImportStatement') imports.push(candidate);
    else for (const name of binds) definitions.set(name, candidate);
  }

  const offsetOfLine = (line: number): number => (line <= 0 ? 0 : lines.slice(0, line).join('\n').length + 1);
  const wanted = [
    ...namesIn(tree.topNode, text, offsetOfLine(start), end >= lines.length ? text.length : offsetOfLine(end)),
  ];
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
  const defs = [...chosen].sort((a, b) => a.firstLine - b.firstLine);
  return {
    lines: out,
    definitions: defs.flatMap((c) => c.binds),
    fromBelow: defs.filter((c) => c.firstLine >= end).flatMap((c) => c.binds),
  };
}

/** Nodes whose evaluation runs code: calls, awaits, yields, comprehensions, f-strings (__format__), errors. */
const EFFECTS = new Set([
  'CallExpression',
  'AwaitExpression',
  'YieldExpression',
  'yield',
  'FormatString',
  'ArrayComprehensionExpression',
  'DictionaryComprehensionExpression',
  'SetComprehensionExpression',
  'ComprehensionExpression',
]);
/** Decorators of methods that only wrap them (builtins that run none of the program's code). */
const PURE_DECORATORS = /^@\s*(?:staticmethod|classmethod|property|\w+\.(?:setter|getter|deleter))\s*$/;

/** True when evaluating the expression(s) under `node` runs no code (a lambda's body is not evaluated). */
function pureExpression(node: SyntaxNode, text: string): boolean {
  if (node.type.isError || EFFECTS.has(node.name)) return false;
  if (node.name === 'AssignOp' && text.slice(node.from, node.to) === ':=') return false;
  if (node.name === 'LambdaExpression') {
    const params = node.getChild('ParamList');
    return !params || pureExpression(params, text);
  }
  for (let c = node.firstChild; c; c = c.nextSibling) if (!pureExpression(c, text)) return false;
  return true;
}

/**
 * True when running the top-level definition `node` (before the selection, out of its place) has no
 * effect: a def's decorators, defaults and annotations run when it is defined, a class's bases and body.
 */
function isPure(node: SyntaxNode, text: string, inClass = false): boolean {
  switch (node.name) {
    case 'FunctionDefinition': {
      const params = node.getChild('ParamList');
      const returns = node.getChild('TypeDef');
      return (!params || pureExpression(params, text)) && (!returns || pureExpression(returns, text));
    }
    case 'DecoratedStatement': {
      const def = node.getChild('FunctionDefinition');
      return (
        inClass &&
        def !== null &&
        node.getChildren('Decorator').every((d) => PURE_DECORATORS.test(text.slice(d.from, d.to))) &&
        isPure(def, text)
      );
    }
    case 'ClassDefinition': {
      const bases = node.getChild('ArgList');
      if (bases && (!pureExpression(bases, text) || bases.getChild('AssignOp'))) return false; // metaclass=… runs code
      const body = node.getChild('Body');
      for (let c = body?.firstChild ?? null; c; c = c.nextSibling) {
        if (c.name === ':' || c.name === 'PassStatement' || c.name === 'Comment') continue;
        if (c.name === 'ExpressionStatement' && c.firstChild?.name === 'String' && c.firstChild.nextSibling === null)
          continue; // a docstring
        if (!isPure(c, text, true)) return false;
      }
      return true;
    }
    case 'AssignStatement':
      return assignedNames(node, text) !== undefined && pureExpression(node, text);
    default:
      return false;
  }
}

export interface SelectionLayout {
  /** The file a selection run executes. */
  text: string;
  /** 1-based line of the first selected line in `text`. */
  selectionLine: number;
  /** Document line (1-based) of a line (1-based) of `text`. */
  documentLine(line: number): number;
}

/**
 * The file a selection run executes: the prelude lines from above the selection at their document
 * lines, blank lines elsewhere, then those from below it, then the (already dedented) selection, which
 * starts at document line `startLine` (0-based) moved down by the lines from below.
 */
export function layoutSelection(
  prelude: readonly PreludeLine[],
  startLine: number,
  selection: string,
): SelectionLayout {
  const head: string[] = new Array<string>(startLine).fill('');
  const below: PreludeLine[] = [];
  for (const p of prelude) {
    if (p.line < startLine) head[p.line] = p.text;
    else below.push(p);
  }
  for (const p of below) head.push(p.text);
  const moved = below.length;
  return {
    text: head.length ? `${head.join('\n')}\n${selection}` : selection,
    selectionLine: startLine + moved + 1,
    documentLine: (line) =>
      line <= startLine ? line : line <= startLine + moved ? below[line - startLine - 1].line + 1 : line - moved,
  };
}
