/**
 * Calls that run a function somewhere else (another thread, a worker process) and which functions of
 * this file each one runs. One home for every rule that asks: CL201, CL115, CL205, CL303, CL304.
 */
import type { CheckContext } from '../context';
import { childrenOf, enclosingFunction, type SyntaxNode } from '../syntax';
import { MANY_POOL_METHODS, POOL_METHODS, PROCESS_POOLS, PROCESSES, THREAD_EXECUTORS, THREADS } from './kinds';

export type Runner = 'thread' | 'process';

/** A call that hands a callable to a thread or worker: `Thread(target=f)`, `ex.submit(f)`, `asyncio.to_thread(f)`… */
export interface Handoff {
  call: SyntaxNode;
  /** The callable as written in the call. */
  fn: SyntaxNode;
  /** Where it sits: `target=`/`function=`, the first positional argument, or the second (Timer, run_in_executor). */
  slot: 'target' | 'first' | 'second';
  /** What runs it; undefined when only the callers of the function the call sits in tell (its pool is a parameter). */
  runner: Runner | undefined;
  /** A pool method that calls it once per item (`map`, `imap`, `starmap`…). */
  many: boolean;
  /** The call passes its further positional arguments to the callable (`submit(f, a)`, `to_thread(f, a)`). */
  variadic: boolean;
  /** The caller waits for it to end before going on: `await to_thread(f)`, `pool.apply(f)`, `ex.submit(f).result()`. */
  waited: boolean;
  /** The pool, when it is a parameter of the function the call sits in (`def fan_out(pool, fn): pool.map(fn, xs)`). */
  poolParam?: SyntaxNode;
}

/** What a handoff runs, as one of this file's functions or a lambda. */
export interface Target {
  /** The expression that names it: the handoff's argument, what a helper's caller passed there, or f in `partial(f, …)`. */
  via: SyntaxNode;
  /** The def it names, when it names one (a plain name, or `self.m` for a method of the enclosing class). */
  def?: { node: SyntaxNode; isAsync: boolean };
  /** `self.m`: a bound method (picklable with its instance, unlike a nested def). */
  method?: boolean;
  /** The call of the helper that passed it in, when the handoff's callable or pool is a parameter. */
  helperCall?: SyntaxNode;
  runner: Runner | undefined;
}

const cache = new WeakMap<CheckContext, Map<number, Handoff | undefined>>();

/** The handoff a call makes, if it is one (memoised: several rules ask about every call). */
export function handoffAt(ctx: CheckContext, call: SyntaxNode): Handoff | undefined {
  let known = cache.get(ctx);
  if (!known) cache.set(ctx, (known = new Map<number, Handoff | undefined>()));
  const key = call.from * 2 ** 32 + call.to;
  if (!known.has(key)) known.set(key, findHandoff(ctx, call));
  return known.get(key);
}

/** Every handoff in the file, in document order. */
export function handoffs(ctx: CheckContext): Handoff[] {
  return ctx.calls.map((c) => handoffAt(ctx, c)).filter((h): h is Handoff => !!h);
}

function findHandoff(ctx: CheckContext, call: SyntaxNode): Handoff | undefined {
  const q = ctx.callee(call);
  const args = ctx.args(call);
  const m = ctx.methodName(call);
  const variadic = q === 'asyncio.to_thread' || m === 'submit' || m === 'run_in_executor';
  const waited = ctx.isAwaited(call) || m === 'apply' || resultAtOnce(ctx, call);
  const make = (fn: SyntaxNode | undefined, slot: Handoff['slot'], runner: Runner | undefined, many = false) =>
    fn ? { call, fn, slot, runner, many, variadic, waited } : undefined;
  if (q === 'threading.Timer')
    return args.keywords.has('function')
      ? make(args.keywords.get('function'), 'target', 'thread')
      : make(args.positional[1], 'second', 'thread');
  if (q && (THREADS.has(q) || PROCESSES.has(q)))
    return make(args.keywords.get('target'), 'target', THREADS.has(q) ? 'thread' : 'process');
  if (q === 'asyncio.to_thread' || q === '_thread.start_new_thread' || q === '_thread.start_new')
    return make(args.positional[0], 'first', 'thread');
  if (!m) return undefined;
  if (m === 'run_in_executor') {
    const executor = args.positional[0];
    const runner = executor && ctx.src(executor) === 'None' ? 'thread' : executor && poolRunner(ctx, executor);
    return make(args.positional[1], 'second', runner);
  }
  if (!POOL_METHODS.has(m)) return undefined;
  const recv = ctx.receiver(call)!;
  const runner = poolRunner(ctx, recv);
  if (runner) return make(args.positional[0], 'first', runner, MANY_POOL_METHODS.has(m));
  // A pool passed in: what it is depends on each caller; a handoff when one of them passes a pool.
  const slot = recv.name === 'VariableName' ? helperSlot(ctx, recv) : undefined;
  if (slot && helperCalls(ctx, enclosingFunction(call)!).some((c) => poolRunner(ctx, c.at(slot)))) {
    const h = make(args.positional[0], 'first', undefined, MANY_POOL_METHODS.has(m));
    return h && { ...h, poolParam: recv };
  }
  return undefined;
}

/** `ex.submit(f).result()`. */
function resultAtOnce(ctx: CheckContext, call: SyntaxNode): boolean {
  const member = call.parent;
  return (
    member?.name === 'MemberExpression' &&
    member.firstChild?.from === call.from &&
    ctx.src(member.getChild('PropertyName') ?? member) === 'result' &&
    member.parent?.name === 'CallExpression'
  );
}

/** The calls of a def by its plain name in this file, without `*args`/`**kw`, and what each passes at a parameter. */
function helperCalls(
  ctx: CheckContext,
  helper: SyntaxNode,
): { call: SyntaxNode; at: (slot: Slot) => SyntaxNode | undefined }[] {
  const out: { call: SyntaxNode; at: (slot: Slot) => SyntaxNode | undefined }[] = [];
  for (const call of ctx.calls) {
    const callee = call.firstChild;
    if (callee?.name !== 'VariableName' || ctx.names.functionDef(callee)?.node.from !== helper.from) continue;
    const args = ctx.args(call);
    if (!args.spread)
      out.push({
        call,
        at: (slot) => args.keywords.get(slot.name) ?? (slot.index >= 0 ? args.positional[slot.index] : undefined),
      });
  }
  return out;
}

function poolRunner(ctx: CheckContext, pool: SyntaxNode | undefined): Runner | undefined {
  const type = pool && ctx.names.typeOf(pool);
  return !type ? undefined : THREAD_EXECUTORS.has(type) ? 'thread' : PROCESS_POOLS.has(type) ? 'process' : undefined;
}

/**
 * What a handoff runs: its callable itself when that names a def, a method of the enclosing class
 * (`self.work`) or is a lambda (`functools.partial(f, …)` stands for f); or, when the callable or
 * the pool is a parameter of the function the call sits in (`def run(worker): Thread(target=worker)`),
 * what every call of that function by its plain name in this file passes there, positionally or by
 * keyword (`run(unsafe_increment)`). One level only: a helper's caller that passes on its own
 * parameter, a method called through `self.`, a default value or a call with `*args`/`**kw` resolves
 * to nothing, which keeps rules quiet.
 */
export function targetsOf(ctx: CheckContext, h: Handoff): Target[] {
  let known = resolved.get(h);
  if (!known) resolved.set(h, (known = findTargets(ctx, h)));
  return known;
}

/** Handoffs are memoised per context, so their targets can be too: CL201, CL115, CL205 and CL303/CL304 all ask. */
const resolved = new WeakMap<Handoff, Target[]>();

function findTargets(ctx: CheckContext, h: Handoff): Target[] {
  const fnSlot = h.fn.name === 'VariableName' ? helperSlot(ctx, h.fn) : undefined;
  const poolSlot = h.poolParam && helperSlot(ctx, h.poolParam);
  if (!fnSlot && !poolSlot) return named(ctx, h.fn, h.runner);
  const out: Target[] = [];
  for (const { call, at } of helperCalls(ctx, enclosingFunction(h.call)!)) {
    const runner = poolSlot ? poolRunner(ctx, at(poolSlot)) : h.runner;
    if (poolSlot && !runner) continue;
    const fn = fnSlot ? at(fnSlot) : h.fn;
    for (const t of fn ? named(ctx, fn, runner) : []) out.push({ ...t, helperCall: call });
  }
  return out;
}

/** The def or lambda an expression stands for where it is written. */
function named(ctx: CheckContext, expr: SyntaxNode, runner: Runner | undefined): Target[] {
  if (expr.name === 'CallExpression' && ctx.callee(expr) === 'functools.partial') {
    const inner = ctx.args(expr).positional[0];
    return inner && inner.name !== 'CallExpression' ? named(ctx, inner, runner) : [];
  }
  if (expr.name === 'LambdaExpression') return [{ via: expr, runner }];
  const def = ctx.names.functionDef(expr);
  if (def) return [{ via: expr, def, runner }];
  const method = ctx.ownMethod(expr);
  return method ? [{ via: expr, def: method, method: true, runner }] : [];
}

/** A parameter's name and position (-1 when keyword-only). */
interface Slot {
  name: string;
  index: number;
}

/** The parameter of the def it sits in that a name is; undefined for `*args`/`**kw` and for any other name. */
function helperSlot(ctx: CheckContext, name: SyntaxNode): Slot | undefined {
  if (ctx.names.lookup(ctx.src(name), name)?.kind !== 'param') return undefined;
  const helper = enclosingFunction(name);
  const list = helper?.name === 'FunctionDefinition' ? helper.getChild('ParamList') : undefined;
  if (!list) return undefined;
  const wanted = ctx.src(name);
  let index = 0;
  let positional = true;
  let afterEquals = false;
  let star = false;
  for (const c of childrenOf(list)) {
    if (c.name === 'AssignOp') afterEquals = true;
    else if (c.name === ',') afterEquals = star = false;
    else if (c.name === '*' || c.name === '**') [positional, star] = [false, true];
    else if (c.name === 'VariableName' && !afterEquals) {
      if (ctx.src(c) === wanted) return star ? undefined : { name: wanted, index: positional ? index : -1 };
      if (positional) index++;
    }
  }
  return undefined;
}

/** A rule already reported `code` at this node: a def passed to a helper that starts it twice is one finding. */
export function alreadyReported(ctx: CheckContext, code: string, node: SyntaxNode): boolean {
  return ctx.findings.some((f) => f.code === code && f.from === node.from && f.to === node.to);
}
