/** Thread and lock rules: callables that are calls, bare acquire(), locks across await, lock order, races. */
import type { CheckContext } from '../context';
import {
  childrenOf,
  enclosingFunction,
  indentAt,
  indentUnit,
  isAsyncDef,
  lineEndAfter,
  lineStart,
  SCOPE_NODES,
  type SyntaxNode,
} from '../syntax';
import type { Fix } from '../types';
import { withItems } from './asyncio';
import { ASYNC_LOCKS, PROCESSES, THREAD_LOCKS, THREADS } from './kinds';
import { alreadyReported, handoffAt, handoffs, targetsOf } from './targets';

export function checkThreads(ctx: CheckContext): void {
  for (const call of ctx.calls) {
    callableIsCall(ctx, call);
    coroutineAsCallable(ctx, call);
    bareAcquire(ctx, call);
    runInsteadOfStart(ctx, call);
  }
  for (const w of ctx.withs) {
    lockAcrossAwait(ctx, w);
    freshLock(ctx, w);
  }
  lockOrder(ctx);
  unlockedUpdates(ctx);
}

/** CL201: `Thread(target=f())` where f is a function of this file that returns nothing. */
function callableIsCall(ctx: CheckContext, call: SyntaxNode): void {
  const h = handoffAt(ctx, call);
  if (!h || h.fn.name !== 'CallExpression') return;
  const fn = h.fn.firstChild!;
  const def = ctx.names.functionDef(fn);
  if (!def || def.isAsync || returnsValue(def.node)) return;
  const name = ctx.src(fn);
  const inner = h.fn.getChild('ArgList');
  const innerArgs = inner ? ctx.text.slice(inner.from + 1, inner.to - 1).trim() : '';
  const outer = ctx.args(call);
  let fix: Fix | undefined;
  if (innerArgs === '')
    fix = { title: `Pass ${name} itself: ${name}`, edits: [{ from: h.fn.from, to: h.fn.to, text: name }] };
  else if (
    h.slot === 'target' &&
    !outer.keywords.has('args') &&
    !outer.keywords.has('kwargs') &&
    !/\w\s*=(?!=)/.test(innerArgs.replace(/\([^()]*\)/g, '')) &&
    !innerArgs.includes('*')
  ) {
    const tuple = ctx.args(h.fn).positional.length === 1 ? `(${innerArgs.replace(/,\s*$/, '')},)` : `(${innerArgs})`;
    fix = {
      title: `Pass ${name} and its arguments: ${ctx.src(h.fn.prevSibling!.prevSibling!)}=${name}, args=…`,
      edits: [{ from: h.fn.from, to: h.fn.to, text: `${name}, args=${tuple}` }],
    };
  } else if (h.variadic && h.slot === 'first' && outer.positional.length === 1 && outer.keywords.size === 0) {
    fix = {
      title: `Pass ${name} and its arguments separately`,
      edits: [{ from: h.fn.from, to: h.fn.to, text: `${name}, ${innerArgs}` }],
    };
  }
  ctx.report(
    'CL201',
    h.fn,
    fix ? [fix] : [],
    `${name}() runs now, in this thread, and the worker gets its result (None): pass ${name} itself`,
  );
}

/**
 * CL115: `Thread(target=some_async_def)`: the thread only creates a coroutine. Through a helper's
 * parameter (`def run(worker): Thread(target=worker)`), it is reported where the coroutine function is passed.
 */
function coroutineAsCallable(ctx: CheckContext, call: SyntaxNode): void {
  const h = handoffAt(ctx, call);
  for (const { def, via } of h ? targetsOf(ctx, h) : [])
    if (def?.isAsync && !alreadyReported(ctx, 'CL115', via))
      ctx.report(
        'CL115',
        via,
        [],
        `${ctx.src(via)} is a coroutine function: the worker only creates a coroutine and never runs it. Run it with asyncio.run() inside a plain function, or schedule it on the event loop`,
      );
}

/** A def whose own body (not nested defs) has `return <value>` or yield. */
function returnsValue(def: SyntaxNode): boolean {
  let found = false;
  const walk = (n: SyntaxNode): void => {
    if (found) return;
    if (
      (n.name === 'ReturnStatement' && n.lastChild && n.lastChild.name !== 'return') ||
      n.name === 'YieldStatement' ||
      n.name === 'YieldExpression' ||
      n.name === 'yield'
    ) {
      found = true;
      return;
    }
    if (SCOPE_NODES.has(n.name)) return;
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  const body = def.getChild('Body');
  if (body) walk(body);
  return found;
}

/** Looks like a lock: made by a lock constructor, or an unknown object named like one. */
function isLockLike(ctx: CheckContext, node: SyntaxNode): 'thread' | 'async' | undefined {
  const type = ctx.names.typeOf(node);
  if (type) return THREAD_LOCKS.has(type) ? 'thread' : ASYNC_LOCKS.has(type) ? 'async' : undefined;
  return /(lock|mutex)$/i.test(ctx.src(node)) ? 'thread' : undefined;
}

/** CL202: `lock.acquire()` as a statement, not followed by try/finally that releases it, not inside one. */
function bareAcquire(ctx: CheckContext, call: SyntaxNode): void {
  if (ctx.methodName(call) !== 'acquire' || ctx.args(call).positional.length || ctx.args(call).keywords.size) return;
  const awaited = ctx.isAwaited(call);
  const expr = awaited ? call.parent! : call;
  if (expr.parent?.name !== 'ExpressionStatement') return;
  const recv = ctx.receiver(call)!;
  if (!isLockLike(ctx, recv)) return;
  const lock = ctx.src(recv);
  const stmt = expr.parent;
  const { list, index } = ctx.siblings(stmt);
  const releases = (n: SyntaxNode | undefined): boolean =>
    !!n && new RegExp(`${escape(lock)}\\.release\\(\\)`).test(ctx.src(n));
  const next = list[index + 1];
  if (next?.name === 'TryStatement' && releases(finallyOf(next))) return;
  for (let p = stmt.parent; p; p = p.parent) {
    if (p.name === 'TryStatement' && releases(finallyOf(p))) return;
    if (SCOPE_NODES.has(p.name)) break;
  }
  ctx.report(
    'CL202',
    call,
    withFix(ctx, stmt, list, index, lock, awaited),
    `${lock}.acquire() without try/finally: an exception before release() leaves ${lock} held`,
  );
}

function finallyOf(tryStmt: SyntaxNode): SyntaxNode | undefined {
  const kids = childrenOf(tryStmt);
  const i = kids.findIndex((k) => k.name === 'finally');
  return i >= 0 ? kids[i + 1] : undefined;
}

/** `lock.acquire()` … `lock.release()` in one block → `with lock:` around what is between. */
function withFix(
  ctx: CheckContext,
  stmt: SyntaxNode,
  list: SyntaxNode[],
  index: number,
  lock: string,
  awaited: boolean,
): Fix[] {
  const release = new RegExp(`^(await\\s+)?${escape(lock)}\\.release\\(\\)$`);
  const end = list.findIndex((s, i) => i > index && release.test(ctx.src(s).trim()));
  if (end < 0 || !list.slice(index, end + 1).every((s) => ctx.ownsLine(s))) return [];
  const indent = indentAt(ctx.text, stmt.from);
  const unit = indentUnit(ctx.text);
  const from = lineStart(ctx.text, stmt.from);
  const bodyFrom = lineEndAfter(ctx.text, stmt.to);
  const bodyTo = lineStart(ctx.text, list[end].from);
  const body = bodyFrom < bodyTo ? reindent(ctx.text.slice(bodyFrom, bodyTo), unit) : `${indent}${unit}pass\n`;
  const text = `${indent}${awaited ? 'async ' : ''}with ${lock}:\n${body}`;
  return [
    {
      title: `Use ${awaited ? 'async ' : ''}with ${lock}:`,
      edits: [{ from, to: lineEndAfter(ctx.text, list[end].to), text }],
    },
  ];
}

function reindent(block: string, unit: string): string {
  return block
    .split('\n')
    .map((l) => (l.trim() === '' ? l : unit + l))
    .join('\n');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** CL206: `t.run()` on a Thread or Process made in this file. */
function runInsteadOfStart(ctx: CheckContext, call: SyntaxNode): void {
  if (ctx.methodName(call) !== 'run' || ctx.args(call).positional.length) return;
  const recv = ctx.receiver(call)!;
  const type = ctx.names.typeOf(recv);
  if (!type || !(THREADS.has(type) || PROCESSES.has(type))) return;
  const prop = call.firstChild!.getChild('PropertyName')!;
  ctx.report(
    'CL206',
    call,
    [{ title: 'Call start()', edits: [{ from: prop.from, to: prop.to, text: 'start' }] }],
    `${ctx.src(recv)}.run() runs the target here, in this thread: start() runs it in a new one`,
  );
}

/** CL203: `with thread_lock:` in a coroutine whose body awaits. */
function lockAcrossAwait(ctx: CheckContext, w: SyntaxNode): void {
  if (w.firstChild?.name === 'async' || !ctx.inAsyncDef(w)) return;
  const locks = withItems(w).filter((i) => isLockLike(ctx, i) === 'thread');
  if (locks.length === 0) return;
  const body = w.getChild('Body');
  const suspends = body ? findSuspension(body) : undefined;
  if (!suspends) return;
  ctx.report(
    'CL203',
    locks[0],
    [],
    `${ctx.src(locks[0])} is a threading lock held across an await (line ${lineOf(ctx.text, suspends.from)}): use an asyncio.Lock, or release it before awaiting`,
  );
}

function findSuspension(n: SyntaxNode): SyntaxNode | undefined {
  if (
    n.name === 'AwaitExpression' ||
    ((n.name === 'WithStatement' || n.name === 'ForStatement') && n.firstChild?.name === 'async')
  )
    return n;
  if (SCOPE_NODES.has(n.name)) return undefined;
  for (let c = n.firstChild; c; c = c.nextSibling) {
    const f = findSuspension(c);
    if (f) return f;
  }
  return undefined;
}

function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** CL207: `with threading.Lock():` makes a new lock every time. */
function freshLock(ctx: CheckContext, w: SyntaxNode): void {
  for (const item of withItems(w)) {
    if (item.name !== 'CallExpression') continue;
    const q = ctx.callee(item);
    if (q && (THREAD_LOCKS.has(q) || ASYNC_LOCKS.has(q)) && q !== 'threading.Condition' && q !== 'asyncio.Condition') {
      ctx.report(
        'CL207',
        item,
        [],
        `${ctx.src(item)} makes a new lock each time this runs: no other thread or task ever waits on it. Create the lock once and share it`,
      );
    }
  }
}

/**
 * CL204: lock A then B somewhere, B then A somewhere else. A lock counts as held inside its with
 * block (nested, or `with a, b`) and after a bare `a.acquire()` until `a.release()` in the same
 * function (by position: a straight-line reading, which is how such code is written).
 */
function lockOrder(ctx: CheckContext): void {
  const pairs = new Map<string, SyntaxNode>();
  const acquires = lockCalls(ctx, 'acquire');
  const releases = lockCalls(ctx, 'release');
  const heldAt = (node: SyntaxNode): string[] => {
    const held: string[] = [];
    for (let p = node.parent; p; p = p.parent) {
      if (p.name === 'Body' && p.parent?.name === 'WithStatement')
        for (const i of withItems(p.parent)) if (isLockLike(ctx, i)) held.push(ctx.src(i));
      if (SCOPE_NODES.has(p.name)) break;
    }
    const fn = enclosingFunction(node)?.from;
    for (const a of acquires) {
      if (a.call.to > node.from || enclosingFunction(a.call)?.from !== fn) continue;
      const released = releases.some(
        (r) =>
          r.lock === a.lock &&
          r.call.from > a.call.to &&
          r.call.to <= node.from &&
          enclosingFunction(r.call)?.from === fn,
      );
      if (!released) held.push(a.lock);
    }
    return held;
  };
  const take = (item: SyntaxNode, key: string, before: string[]): void => {
    for (const h of before) if (h !== key && !pairs.has(`${h}\u0000${key}`)) pairs.set(`${h}\u0000${key}`, item);
  };
  for (const w of ctx.withs) {
    const items = withItems(w).filter((i) => isLockLike(ctx, i));
    const outer = heldAt(w);
    items.forEach((item, k) => take(item, ctx.src(item), [...outer, ...items.slice(0, k).map((i) => ctx.src(i))]));
  }
  for (const a of acquires) take(a.call, a.lock, heldAt(a.call));
  for (const [pair, node] of pairs) {
    const [a, b] = pair.split('\u0000');
    const other = pairs.get(`${b}\u0000${a}`);
    if (other)
      ctx.report(
        'CL204',
        node,
        [],
        `${b} is taken while holding ${a} here, and ${a} while holding ${b} on line ${lineOf(ctx.text, other.from)}: two threads can each wait for the other forever. Take them in one order everywhere`,
      );
  }
}

/** `lock.acquire()` / `lock.release()` calls with no arguments on lock-like receivers, by the lock's text. */
function lockCalls(ctx: CheckContext, method: 'acquire' | 'release'): { call: SyntaxNode; lock: string }[] {
  const out: { call: SyntaxNode; lock: string }[] = [];
  for (const call of ctx.calls) {
    if (ctx.methodName(call) !== method || ctx.args(call).positional.length || ctx.args(call).keywords.size) continue;
    const recv = ctx.receiver(call);
    if (recv && isLockLike(ctx, recv) === 'thread') out.push({ call, lock: ctx.src(recv) });
  }
  return out;
}

/**
 * CL205: in a function that several threads run (target of more than one Thread, of a Thread made
 * in a loop, or mapped/submitted in a loop to a thread pool), outside any with block, in a function
 * that never calls acquire(), shared state (a global, an attribute or an item) read, changed and
 * written back: `x += …`, `s = s + …`, or read into a local and written back from it
 * (`b = acct.balance` … `acct.balance = b + 10`).
 */
function unlockedUpdates(ctx: CheckContext): void {
  for (const { def, runs } of threadTargets(ctx).values()) {
    if (runs < 2 || /\.acquire\(/.test(ctx.src(def))) continue;
    const globals = new Set<string>();
    for (const m of ctx.src(def).matchAll(/^\s*(?:global|nonlocal)\s+([\w\s,]+)$/gm))
      for (const g of m[1].split(',')) globals.add(g.trim());
    const isShared = (target: SyntaxNode): boolean =>
      target.name === 'MemberExpression' ||
      target.name === 'SubscriptExpression' ||
      (target.name === 'VariableName' && globals.has(ctx.src(target)));
    const own = (n: SyntaxNode): boolean =>
      n.from >= def.from && n.to <= def.to && enclosingFunction(n)?.from === def.from && !insideWith(n, def);
    for (const u of ctx.updates) {
      if (!own(u)) continue;
      const target = u.firstChild!;
      if (isShared(target))
        ctx.report(
          'CL205',
          u,
          [],
          `${ctx.src(target)} is read, changed and written back by several threads with no lock held: updates can be lost. Hold a lock around it`,
        );
    }
    // `local = shared` reads, by local name, for the write-backs below.
    const reads = new Map<string, { node: SyntaxNode; shared: string }[]>();
    const assigns = ctx.assigns.filter(own);
    for (const a of assigns) {
      const [target, value] = [a.firstChild!, a.lastChild!];
      if (target.name === 'VariableName' && isShared(value))
        reads.set(ctx.src(target), [...(reads.get(ctx.src(target)) ?? []), { node: a, shared: ctx.src(value) }]);
    }
    for (const a of assigns) {
      const [target, value] = [a.firstChild!, a.lastChild!];
      if (a.getChildren('AssignOp').length !== 1 || !isShared(target) || value === target) continue;
      const shared = ctx.src(target);
      const mentions = (text: string): boolean => new RegExp(`(^|[^\\w.])${escape(shared)}(?![\\w(])`).test(text);
      if (mentions(ctx.src(value))) {
        ctx.report(
          'CL205',
          a,
          [],
          `${shared} is read, changed and written back by several threads with no lock held: updates can be lost. Hold a lock around it`,
        );
        continue;
      }
      const read = namesIn(value)
        .flatMap((n) => reads.get(ctx.src(n)) ?? [])
        .find((r) => r.shared === shared && r.node.to <= a.from);
      if (read) {
        const local = ctx.src(read.node.firstChild!);
        ctx.report(
          'CL205',
          a,
          [],
          `${shared} is read into ${local} (line ${lineOf(ctx.text, read.node.from)}) and written back here by several threads with no lock held: another thread's update in between is lost. Hold a lock around both`,
        );
      }
    }
  }
}

/**
 * Functions run by threads, with how many runs the file makes: each call that hands one to a
 * thread (targets.ts) is one run, two when it runs once per item (`ex.map`) or is made in a loop
 * without waiting for it; the calls one function waits for one at a time (`await asyncio.to_thread(f)`,
 * in a loop or not, or a helper that waits for its own) are one run between them. A
 * target that is a parameter counts once per call of its helper that passes a def there (twice when
 * the helper starts it in a loop or is called in one): `run(unsafe_increment)` with
 * `def run(worker): [Thread(target=worker) for _ in range(2)]` is two runs of unsafe_increment.
 */
function threadTargets(ctx: CheckContext): Map<number, { def: SyntaxNode; runs: number }> {
  const targets = new Map<number, { def: SyntaxNode; runs: number }>();
  const repeated = (node: SyntaxNode): boolean => inLoop(node) && !ctx.isAwaited(node);
  // Runs a function waits for one after another (itself, or through a helper it waits for) are one run.
  const waitedIn = new Set<string>();
  for (const h of handoffs(ctx))
    for (const { def, runner, helperCall } of targetsOf(ctx, h)) {
      if (!def || runner !== 'thread') continue;
      let each: number;
      if (h.waited && (!helperCall || ctx.isAwaited(helperCall) || !isAsyncDef(enclosingFunction(h.call)))) {
        const key = `${def.node.from} ${enclosingFunction(helperCall ?? h.call)?.from ?? -1}`;
        each = waitedIn.has(key) ? 0 : 1;
        waitedIn.add(key);
      } else each = h.many || repeated(h.call) || (helperCall && repeated(helperCall)) ? 2 : 1;
      targets.set(def.node.from, { def: def.node, runs: (targets.get(def.node.from)?.runs ?? 0) + each });
    }
  return targets;
}

/** The plain names read in an expression (not inside lambdas). */
function namesIn(n: SyntaxNode): SyntaxNode[] {
  if (n.name === 'VariableName') return [n];
  if (SCOPE_NODES.has(n.name)) return [];
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(...namesIn(c));
  return out;
}

function inLoop(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.name === 'ForStatement' || p.name === 'WhileStatement' || /Comprehension/.test(p.name)) return true;
    if (SCOPE_NODES.has(p.name)) return false;
  }
  return false;
}

function insideWith(node: SyntaxNode, limit: SyntaxNode): boolean {
  for (let p = node.parent; p && p.from >= limit.from; p = p.parent) if (p.name === 'WithStatement') return true;
  return false;
}
