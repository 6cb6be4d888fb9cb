/**
 * Small helpers over the @lezer/python syntax tree: children by name, statements and their
 * blocks, and the line/indentation facts fixes need.
 */
import type { SyntaxNode } from '@lezer/common';

export type { SyntaxNode };

/** Scope-making nodes: a name bound inside one is local to it. */
export const SCOPE_NODES: ReadonlySet<string> = new Set(['FunctionDefinition', 'LambdaExpression', 'ClassDefinition']);

export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Children that carry meaning (no punctuation or keywords). */
export function partsOf(node: SyntaxNode): SyntaxNode[] {
  return childrenOf(node).filter((c) => /^[A-Z]/.test(c.name) && c.name !== 'AssignOp' && c.name !== 'UpdateOp');
}

/** The function, lambda or class a node sits in (not the node itself), or undefined at module level. */
export function enclosingScope(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (SCOPE_NODES.has(p.name)) return p;
  return undefined;
}

export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.name === 'FunctionDefinition' || p.name === 'LambdaExpression') return p;
    if (p.name === 'ClassDefinition') return undefined;
  }
  return undefined;
}

export function isAsyncDef(node: SyntaxNode | undefined): boolean {
  return node?.name === 'FunctionDefinition' && node.firstChild?.name === 'async';
}

/** The statement node that contains `node` directly in a Body or the Script. */
export function statementOf(node: SyntaxNode): SyntaxNode {
  let s = node;
  while (s.parent && s.parent.name !== 'Body' && s.parent.name !== 'Script') s = s.parent;
  return s;
}

/** The statements of a Body or Script, in order (a decorated def counts as one). */
export function statementsOf(block: SyntaxNode): SyntaxNode[] {
  return childrenOf(block).filter((c) => /^[A-Z]/.test(c.name) && c.name !== '⚠' && c.name !== 'Comment');
}

/** Offset of the start of the line holding `pos`. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just past the end of the line holding `pos` (after its newline, if any). */
export function lineEndAfter(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Leading whitespace of the line holding `pos`. */
export function indentAt(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** One indentation step as the file uses it (4 spaces when it has no indented line yet). */
export function indentUnit(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text);
  return m ? (m[1].startsWith('\t') ? '\t' : m[1].length <= 8 ? m[1] : '    ') : '    ';
}
