/**
 * Name resolution: which module object or value a name in the program stands for, so that
 * `from time import sleep`, `import time as t` and `t.sleep` all mean `time.sleep`, and a local
 * `def sleep` or a parameter named `time` shadows the import.
 *
 * Each def, lambda and class is a scope; a name bound anywhere in a function is local to all of
 * it (Python's rule), `global` sends it to the module, and class bodies are not seen by methods.
 * A name bound more than once in a scope in different ways is "ambiguous": rules then say nothing.
 */
import type { Tree } from '@lezer/common';
import { childrenOf, partsOf, SCOPE_NODES, type SyntaxNode } from './syntax';

export type Binding =
  /** `import a.b as c` or `from a import b`: `qname` is the dotted module path. */
  | { kind: 'import'; qname: string }
  | { kind: 'def'; node: SyntaxNode; isAsync: boolean }
  | { kind: 'class'; node: SyntaxNode }
  /** `x = f(...)` with a resolvable callee: `type` is the callee's qualified name. */
  | { kind: 'value'; type?: string }
  | { kind: 'param' }
  | { kind: 'ambiguous' };

export interface Scope {
  node: SyntaxNode | undefined;
  kind: 'module' | 'function' | 'class';
  parent: Scope | undefined;
  bindings: Map<string, Binding>;
  globals: Set<string>;
}

const BUILTINS: ReadonlySet<string> = new Set([
  'input',
  'print',
  'open',
  'len',
  'range',
  'super',
  'object',
  'staticmethod',
]);

/** Calls that return an object used like the module they come from (`ctx.Process`, `ctx.Pool`). */
const MODULE_LIKE: Record<string, string> = {
  'multiprocessing.get_context': 'multiprocessing',
  'multiprocessing.context.get_context': 'multiprocessing',
};

export class Names {
  readonly module: Scope;
  private readonly byNode = new Map<number, Scope>();
  /** `self.x = threading.Lock()` and the like, by the target's text, file-wide. */
  private readonly attributeTypes = new Map<string, string | null>();

  constructor(
    tree: Tree,
    readonly text: string,
  ) {
    this.module = { node: undefined, kind: 'module', parent: undefined, bindings: new Map(), globals: new Set() };
    this.collect(tree.topNode, this.module);
  }

  src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** The scope a node is evaluated in. */
  scopeAt(node: SyntaxNode): Scope {
    for (let p: SyntaxNode | null = node.parent; p; p = p.parent) {
      if (SCOPE_NODES.has(p.name)) {
        // A def's decorators, defaults and name belong to the outer scope; its body and params to its own.
        if (
          p.name !== 'LambdaExpression' &&
          !isInside(node, p.getChild('Body')) &&
          !isInside(node, p.getChild('ParamList'))
        )
          continue;
        return this.byNode.get(p.from) ?? this.module;
      }
    }
    return this.module;
  }

  /** What a bare name means where `at` is, following Python's lookup (class scopes skipped for inner functions). */
  lookup(name: string, at: SyntaxNode): Binding | undefined {
    let scope: Scope | undefined = this.scopeAt(at);
    let first = true;
    while (scope) {
      if (scope.globals.has(name)) return this.module.bindings.get(name);
      if ((first || scope.kind !== 'class') && scope.bindings.has(name)) return scope.bindings.get(name);
      first = false;
      scope = scope.parent;
    }
    return undefined;
  }

  /**
   * The dotted name an expression stands for: `t.sleep` → `time.sleep`, `sleep` → `time.sleep`,
   * `input` → `builtins.input`; undefined for anything local, shadowed or unknown.
   */
  qualified(node: SyntaxNode): string | undefined {
    if (node.name === 'VariableName') {
      const name = this.src(node);
      const b = this.lookup(name, node);
      if (!b) return BUILTINS.has(name) ? `builtins.${name}` : undefined;
      if (b.kind === 'import') return b.qname;
      if (b.kind === 'value' && b.type && MODULE_LIKE[b.type]) return MODULE_LIKE[b.type];
      return undefined;
    }
    if (node.name === 'MemberExpression') {
      const obj = node.firstChild;
      const prop = node.getChild('PropertyName');
      if (!obj || !prop) return undefined;
      const base = obj.name === 'CallExpression' ? this.moduleLikeCall(obj) : this.qualified(obj);
      return base ? `${base}.${this.src(prop)}` : undefined;
    }
    return undefined;
  }

  /** The qualified name of the function a call calls. */
  callee(call: SyntaxNode): string | undefined {
    const f = call.firstChild;
    return f ? this.qualified(f) : undefined;
  }

  /**
   * The constructor a variable or attribute was made with (`lock = threading.Lock()` → `threading.Lock`),
   * or undefined when unknown or made more than one way.
   */
  typeOf(node: SyntaxNode): string | undefined {
    if (node.name === 'VariableName') {
      const b = this.lookup(this.src(node), node);
      return b?.kind === 'value' ? b.type : undefined;
    }
    if (node.name === 'MemberExpression') return this.attributeTypes.get(this.src(node)) ?? undefined;
    if (node.name === 'CallExpression') return this.callee(node);
    return undefined;
  }

  /** The def a name refers to where it is used, if it is a function defined in this file. */
  functionDef(node: SyntaxNode): { node: SyntaxNode; isAsync: boolean } | undefined {
    if (node.name !== 'VariableName') return undefined;
    const b = this.lookup(this.src(node), node);
    return b?.kind === 'def' ? b : undefined;
  }

  private moduleLikeCall(call: SyntaxNode): string | undefined {
    const q = this.callee(call);
    return q ? MODULE_LIKE[q] : undefined;
  }

  private bind(scope: Scope, name: string, b: Binding): void {
    const target = scope.globals.has(name) ? this.module : scope;
    const old = target.bindings.get(name);
    if (old && !sameBinding(old, b)) target.bindings.set(name, { kind: 'ambiguous' });
    else target.bindings.set(name, b);
  }

  /** Walks one scope's nodes, binding names; nested scopes are collected recursively. */
  private collect(node: SyntaxNode, scope: Scope): void {
    // `global x` anywhere in a function applies to the whole function: read those first.
    if (scope.kind === 'function') this.findGlobals(node, scope);
    const pending: Array<[SyntaxNode, Scope]> = [];
    const visit = (n: SyntaxNode): void => {
      switch (n.name) {
        case 'FunctionDefinition':
        case 'ClassDefinition': {
          const name = n.getChild('VariableName');
          const isClass = n.name === 'ClassDefinition';
          if (name)
            this.bind(
              scope,
              this.src(name),
              isClass ? { kind: 'class', node: n } : { kind: 'def', node: n, isAsync: n.firstChild?.name === 'async' },
            );
          const inner: Scope = {
            node: n,
            kind: isClass ? 'class' : 'function',
            parent: scope,
            bindings: new Map(),
            globals: new Set(),
          };
          this.byNode.set(n.from, inner);
          // Decorators, defaults and base classes are evaluated outside.
          for (const c of childrenOf(n)) {
            if (c.name === 'Body') pending.push([c, inner]);
            else if (c.name === 'ParamList') this.params(c, inner, visit);
            else if (c.name === 'ArgList') visit(c);
          }
          return;
        }
        case 'LambdaExpression': {
          const inner: Scope = { node: n, kind: 'function', parent: scope, bindings: new Map(), globals: new Set() };
          this.byNode.set(n.from, inner);
          const params = n.getChild('ParamList');
          if (params) this.params(params, inner, visit);
          return;
        }
        case 'ImportStatement':
          this.imports(n, scope);
          return;
        case 'AssignStatement':
          this.assignment(n, scope);
          break;
        case 'ForStatement':
        case 'WithStatement':
        case 'TryStatement':
          this.blockTargets(n, scope);
          break;
        case 'NamedExpression': {
          const t = n.firstChild;
          if (t?.name === 'VariableName') this.bind(scope, this.src(t), { kind: 'value' });
          break;
        }
        case 'ArrayComprehensionExpression':
        case 'SetComprehensionExpression':
        case 'DictionaryComprehensionExpression':
        case 'ComprehensionExpression':
          // Their loop variables are their own; nothing they bind leaks.
          return;
      }
      for (let c = n.firstChild; c; c = c.nextSibling) visit(c);
    };
    for (let c = node.firstChild; c; c = c.nextSibling) visit(c);
    for (const [body, inner] of pending) this.collect(body, inner);
  }

  private params(list: SyntaxNode, inner: Scope, visitOuter: (n: SyntaxNode) => void): void {
    let afterEquals = false;
    for (const c of childrenOf(list)) {
      if (c.name === 'AssignOp' || c.name === '=') afterEquals = true;
      else if (c.name === ',') afterEquals = false;
      else if (c.name === 'VariableName' && !afterEquals) this.bind(inner, this.src(c), { kind: 'param' });
      else if (afterEquals) visitOuter(c);
    }
  }

  private findGlobals(node: SyntaxNode, scope: Scope): void {
    const walk = (n: SyntaxNode): void => {
      if (n.name === 'ScopeStatement' && n.firstChild?.name === 'global') {
        for (const v of n.getChildren('VariableName')) scope.globals.add(this.src(v));
        return;
      }
      if (SCOPE_NODES.has(n.name)) return;
      for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
    };
    walk(node);
  }

  private imports(n: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(n);
    if (kids[0]?.name === 'from') {
      const importAt = kids.findIndex((k) => k.name === 'import');
      const from = kids
        .slice(1, importAt)
        .map((k) => this.src(k))
        .join('');
      for (let i = importAt + 1; i < kids.length; i++) {
        if (kids[i].name !== 'VariableName') continue;
        const name = this.src(kids[i]);
        let local = name;
        if (kids[i + 1]?.name === 'as' && kids[i + 2]?.name === 'VariableName') local = this.src(kids[(i += 2)]);
        this.bind(scope, local, { kind: 'import', qname: `${from}.${name}` });
      }
      return;
    }
    // import a.b.c [as d], e
    let dotted: string[] = [];
    const flush = (alias?: string): void => {
      if (dotted.length === 0) return;
      if (alias) this.bind(scope, alias, { kind: 'import', qname: dotted.join('.') });
      else this.bind(scope, dotted[0], { kind: 'import', qname: dotted[0] });
      dotted = [];
    };
    for (let i = 1; i < kids.length; i++) {
      const k = kids[i];
      if (k.name === 'VariableName') dotted.push(this.src(k));
      else if (k.name === 'as' && kids[i + 1]) flush(this.src(kids[++i]));
      else if (k.name === ',') flush();
    }
    flush();
  }

  private assignment(n: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(n);
    let lastOp = -1;
    kids.forEach((k, i) => {
      if (k.name === 'AssignOp') lastOp = i;
    });
    if (lastOp < 0) return;
    const value = kids.slice(lastOp + 1).find((k) => /^[A-Z]/.test(k.name));
    const type = value?.name === 'CallExpression' ? this.callee(value) : undefined;
    const targets = kids.slice(0, lastOp).filter((k) => k.name !== 'AssignOp' && k.name !== 'TypeDef');
    const single =
      targets.filter((k) => /^[A-Z]/.test(k.name)).length === 1 || kids.filter((k) => k.name === 'AssignOp').length > 1;
    for (const t of targets) {
      if (t.name === 'VariableName') this.bind(scope, this.src(t), { kind: 'value', type: single ? type : undefined });
      else if (t.name === 'MemberExpression') {
        const key = this.src(t);
        const old = this.attributeTypes.get(key);
        this.attributeTypes.set(key, old === undefined ? (type ?? null) : old === type ? old : null);
      } else if (t.name === 'TupleExpression' || t.name === 'ArrayExpression' || t.name === 'ParenthesizedExpression') {
        for (const v of partsOf(t)) if (v.name === 'VariableName') this.bind(scope, this.src(v), { kind: 'value' });
      }
    }
  }

  /** `for x in`, `with … as x`, `except … as x`. */
  private blockTargets(n: SyntaxNode, scope: Scope): void {
    const kids = childrenOf(n);
    if (n.name === 'ForStatement') {
      for (const k of kids) {
        if (k.name === 'in') break;
        if (k.name === 'VariableName') this.bind(scope, this.src(k), { kind: 'value' });
      }
      return;
    }
    for (let i = 0; i < kids.length; i++) {
      if (kids[i].name !== 'as' || kids[i + 1]?.name !== 'VariableName') continue;
      let type: string | undefined;
      const before = kids[i - 1];
      if (n.name === 'WithStatement' && before?.name === 'CallExpression') type = this.callee(before);
      this.bind(scope, this.src(kids[i + 1]), { kind: 'value', type });
    }
  }
}

function sameBinding(a: Binding, b: Binding): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'import' && b.kind === 'import') return a.qname === b.qname;
  if (a.kind === 'value' && b.kind === 'value') return a.type === b.type;
  return a.kind === 'param';
}

function isInside(node: SyntaxNode, outer: SyntaxNode | null): boolean {
  return !!outer && node.from >= outer.from && node.to <= outer.to;
}
