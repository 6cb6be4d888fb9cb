/**
 * What every rule sees: the text, the tree, name resolution, the nodes rules look at (collected in
 * one walk) and `report`. Also the shared pieces of fixes (adding an import, inserting `await`).
 */
import type { Tree } from '@lezer/common';
import { RULES_BY_CODE } from './catalog';
import { Names } from './names';
import {
  childrenOf,
  enclosingFunction,
  enclosingScope,
  isAsyncDef,
  lineStart,
  statementOf,
  statementsOf,
  type SyntaxNode,
} from './syntax';
import type { Finding, Fix, TextEdit } from './types';

export interface CallArgs {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** `*a` or `**k` present: the argument list cannot be reasoned about. */
  spread: boolean;
}

export class CheckContext {
  readonly names: Names;
  readonly calls: SyntaxNode[] = [];
  readonly withs: SyntaxNode[] = [];
  readonly updates: SyntaxNode[] = [];
  /** `target = value` statements. */
  readonly assigns: SyntaxNode[] = [];
  readonly findings: Finding[] = [];

  constructor(
    readonly tree: Tree,
    readonly text: string,
  ) {
    this.names = new Names(tree, text);
    const cursor = tree.cursor();
    do {
      const n = cursor.name;
      if (n === 'CallExpression') this.calls.push(cursor.node);
      else if (n === 'WithStatement') this.withs.push(cursor.node);
      else if (n === 'UpdateStatement') this.updates.push(cursor.node);
      else if (n === 'AssignStatement') this.assigns.push(cursor.node);
    } while (cursor.next());
  }

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  report(code: string, node: { from: number; to: number }, fixes: Fix[] = [], message?: string): void {
    const rule = RULES_BY_CODE.get(code);
    if (!rule) throw new Error(`unknown rule ${code}`);
    this.findings.push({
      code,
      severity: rule.severity,
      message: message ?? rule.title,
      from: node.from,
      to: node.to,
      fixes,
    });
  }

  private readonly callees = new Map<number, string | undefined>();

  /** The qualified name a call calls (memoised: every rule asks about every call). */
  callee(call: SyntaxNode): string | undefined {
    // Calls nested as f(x)(y) share a start: the key is (from, to), exact below 2^21 characters.
    const key = call.from * 2 ** 32 + call.to;
    if (!this.callees.has(key)) this.callees.set(key, this.names.callee(call));
    return this.callees.get(key);
  }

  args(call: SyntaxNode): CallArgs {
    const out: CallArgs = { positional: [], keywords: new Map(), spread: false };
    const list = call.getChild('ArgList');
    if (!list) return out;
    const kids = childrenOf(list);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === '*' || k.name === '**') out.spread = true;
      if (!/^[A-Z]/.test(k.name) || k.name === 'AssignOp') continue;
      if (k.name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) {
        out.keywords.set(this.src(k), kids[i + 2]);
        i += 2;
      } else if (kids[i - 1]?.name !== '*' && kids[i - 1]?.name !== '**') out.positional.push(k);
    }
    return out;
  }

  /** The receiver of a method call `x.m(...)`, when the callee is a member expression. */
  receiver(call: SyntaxNode): SyntaxNode | undefined {
    const f = call.firstChild;
    return f?.name === 'MemberExpression' ? (f.firstChild ?? undefined) : undefined;
  }

  methodName(call: SyntaxNode): string | undefined {
    const f = call.firstChild;
    const p = f?.name === 'MemberExpression' ? f.getChild('PropertyName') : null;
    return p ? this.src(p) : undefined;
  }

  inAsyncDef(node: SyntaxNode): boolean {
    return isAsyncDef(enclosingFunction(node));
  }

  isModuleLevel(node: SyntaxNode): boolean {
    return enclosingScope(node) === undefined;
  }

  isAwaited(node: SyntaxNode): boolean {
    return node.parent?.name === 'AwaitExpression';
  }

  /** The call is a whole expression statement: its value is thrown away. */
  isDiscarded(node: SyntaxNode): boolean {
    return node.parent?.name === 'ExpressionStatement';
  }

  /** Inside the body of an `if __name__ == "__main__":` (not its else). */
  underMainGuard(node: SyntaxNode): boolean {
    for (let p = node.parent; p; p = p.parent) {
      if (p.name === 'IfStatement') {
        const body = p.getChild('Body');
        const cond = body?.prevSibling;
        if (body && cond && node.from >= body.from && node.to <= body.to && isMainTest(this.src(cond))) return true;
      }
    }
    return false;
  }

  /** The statement starts its own line (so whole-line fixes can replace it). */
  ownsLine(stmt: SyntaxNode): boolean {
    return this.text.slice(lineStart(this.text, stmt.from), stmt.from).trim() === '';
  }

  /** A name free in the whole file, starting from `base`. */
  freshName(base: string): string {
    for (let i = 0; ; i++) {
      const name = i === 0 ? base : `${base}_${i}`;
      if (!new RegExp(`\\b${name}\\b`).test(this.text)) return name;
    }
  }

  /**
   * The name `module` goes by at module level (e.g. `asyncio` or an alias), and the edit that
   * imports it when the file has not.
   */
  moduleName(module: string): { name: string; edits: TextEdit[] } {
    for (const [name, b] of this.names.module.bindings)
      if (b.kind === 'import' && b.qname === module) return { name, edits: [] };
    const at = this.importOffset();
    const newline = at > 0 && this.text[at - 1] !== '\n' ? '\n' : '';
    return { name: module, edits: [{ from: at, to: at, text: `${newline}import ${module}\n` }] };
  }

  /** Where a new import line goes: before the first top-level import after any `from __future__`, else after the docstring. */
  importOffset(): number {
    const stmts = statementsOf(this.tree.topNode);
    let after = 0;
    for (const s of stmts) {
      if (s.name === 'ImportStatement' && !/^from\s+__future__\b/.test(this.src(s)))
        return lineStart(this.text, s.from);
      if (
        (s.name === 'ExpressionStatement' && s.firstChild?.name === 'String' && after === 0) ||
        s.name === 'ImportStatement'
      ) {
        after = endOfLine(this.text, s.to);
        continue;
      }
      break;
    }
    return after;
  }

  /** `await <text>`, in parentheses when `node`'s place would bind tighter than await. */
  awaitText(node: SyntaxNode, text: string): string {
    const p = node.parent;
    const tight =
      p &&
      (p.name === 'MemberExpression' ||
        p.name === 'SubscriptExpression' ||
        (p.name === 'CallExpression' && p.firstChild?.from === node.from) ||
        (p.name === 'BinaryExpression' && this.src(p).includes('**')));
    return tight ? `(await ${text})` : `await ${text}`;
  }

  /** Statements of the block holding `stmt`, and its index there. */
  siblings(stmt: SyntaxNode): { list: SyntaxNode[]; index: number } {
    const block = stmt.parent;
    if (!block) return { list: [stmt], index: 0 };
    const list = statementsOf(block);
    return { list, index: list.findIndex((s) => s.from === stmt.from) };
  }

  statementOf(node: SyntaxNode): SyntaxNode {
    return statementOf(node);
  }

  /** The def `self.m` names, in a method of a class of this file that defines `m` itself. */
  ownMethod(expr: SyntaxNode): { node: SyntaxNode; isAsync: boolean } | undefined {
    if (expr.name !== 'MemberExpression' || expr.firstChild?.name !== 'VariableName') return undefined;
    const prop = expr.getChild('PropertyName');
    const cls = enclosingFunction(expr)?.parent?.parent;
    if (this.src(expr.firstChild) !== 'self' || !prop || cls?.name !== 'ClassDefinition') return undefined;
    const body = cls.getChild('Body');
    for (const s of body ? statementsOf(body) : []) {
      const def = s.name === 'DecoratedStatement' ? s.getChild('FunctionDefinition') : s;
      if (def?.name === 'FunctionDefinition' && this.src(def.getChild('VariableName')!) === this.src(prop))
        return { node: def, isAsync: def.firstChild?.name === 'async' };
    }
    return undefined;
  }
}

function isMainTest(cond: string): boolean {
  return /^__name__\s*==\s*(['"])__main__\1$|^(['"])__main__\2\s*==\s*__name__$/.test(cond.trim());
}

function endOfLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}
