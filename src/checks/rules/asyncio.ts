/** asyncio rules: blocking calls in coroutines, coroutines not awaited, dropped tasks, loop misuse. */
import type { CheckContext } from '../context';
import { enclosingFunction, statementsOf, type SyntaxNode } from '../syntax';
import type { Fix, TextEdit } from '../types';
import {
  ASYNC_LOCKS,
  ASYNCIO_COROUTINES,
  BLOCKING_CALLS,
  BLOCKING_QUEUES,
  EVENT_LOOPS,
  PROCESSES,
  THREAD_LOCKS,
  THREADS,
} from './kinds';

export function checkAsyncio(ctx: CheckContext): void {
  for (const call of ctx.calls) {
    const q = ctx.callee(call);
    if (ctx.inAsyncDef(call)) blockingCall(ctx, call, q);
    if (q && ctx.isDiscarded(call) && ASYNCIO_COROUTINES.has(q)) {
      ctx.report(
        'CL111',
        call,
        ctx.inAsyncDef(call) ? [addAwait(call)] : [],
        `${q}() called without await does nothing`,
      );
    }
    if (ctx.isDiscarded(call)) notAwaited(ctx, call);
    if (ctx.isDiscarded(call) && isCreateTask(ctx, call, q)) ctx.report('CL112', call, keepTaskFix(ctx, call));
    if (q === 'asyncio.run' && ctx.inAsyncDef(call)) ctx.report('CL113', call);
    if (q === 'asyncio.get_event_loop' && ctx.inAsyncDef(call)) {
      ctx.report('CL121', call, [
        {
          title: 'Use asyncio.get_running_loop()',
          edits: [
            { from: call.firstChild!.to - 'get_event_loop'.length, to: call.firstChild!.to, text: 'get_running_loop' },
          ],
        },
      ]);
    }
  }
  for (const w of ctx.withs) lockKindMismatch(ctx, w);
}

function blockingCall(ctx: CheckContext, call: SyntaxNode, q: string | undefined): void {
  if (ctx.isAwaited(call)) return;
  const code = q ? BLOCKING_CALLS.get(q) : undefined;
  if (code === 'CL101') {
    const asyncio = ctx.moduleName('asyncio');
    const args = call.getChild('ArgList');
    const edits: TextEdit[] = [
      ...asyncio.edits,
      {
        from: call.from,
        to: call.to,
        text: ctx.awaitText(call, `${asyncio.name}.sleep${args ? ctx.src(args) : '()'}`),
      },
    ];
    ctx.report(code, call, [{ title: `Use await ${asyncio.name}.sleep(…)`, edits }]);
    return;
  }
  if (code) {
    ctx.report(code, call, inThread(ctx, call), `${q}() blocks the event loop: every other task waits for it`);
    return;
  }
  const helper = blockingHelper(ctx, call);
  if (helper) {
    ctx.report(
      helper.code,
      call,
      inThread(ctx, call),
      `${ctx.src(call.firstChild!)}() calls ${helper.what}() (line ${helper.line}), which blocks the event loop: every other task waits for it`,
    );
    return;
  }
  const method = ctx.methodName(call);
  const recv = ctx.receiver(call);
  if (!method || !recv) return;
  const type = ctx.names.typeOf(recv);
  if (!type) return;
  const args = ctx.args(call);
  if (
    BLOCKING_QUEUES.has(type) &&
    (method === 'get' || method === 'join') &&
    !nonBlocking(ctx, args.positional[0], args.keywords.get('block'))
  ) {
    ctx.report(
      'CL104',
      call,
      inThread(ctx, call),
      `${ctx.src(recv)}.${method}() waits on a thread queue and blocks the event loop`,
    );
  } else if (
    ((THREADS.has(type) || PROCESSES.has(type)) && method === 'join') ||
    (type === 'threading.Event' && method === 'wait') ||
    (THREAD_LOCKS.has(type) && method === 'acquire' && !args.keywords.has('blocking') && args.positional.length === 0)
  ) {
    ctx.report(
      'CL106',
      call,
      inThread(ctx, call),
      `${ctx.src(recv)}.${method}() blocks the event loop until it returns`,
    );
  }
}

/** A plain function of this file, called from a coroutine, whose own body makes a blocking call. */
type Helper = { code: string; what: string; line: number } | undefined;
const helpers = new WeakMap<CheckContext, Map<number, Helper>>();

function blockingHelper(ctx: CheckContext, call: SyntaxNode): Helper {
  const def = ctx.names.functionDef(call.firstChild!);
  if (!def || def.isAsync) return undefined;
  let known = helpers.get(ctx);
  if (!known) helpers.set(ctx, (known = new Map<number, Helper>()));
  if (!known.has(def.node.from)) known.set(def.node.from, findBlocking(ctx, def.node));
  return known.get(def.node.from);
}

function findBlocking(ctx: CheckContext, defNode: SyntaxNode): Helper {
  const def = { node: defNode };
  for (const inner of ctx.calls) {
    if (inner.from < def.node.from || inner.to > def.node.to || enclosingFunction(inner)?.from !== def.node.from)
      continue;
    const q = ctx.callee(inner);
    const code = q ? BLOCKING_CALLS.get(q) : undefined;
    if (code) return { code, what: q!, line: ctx.text.slice(0, inner.from).split('\n').length };
  }
  return undefined;
}

function nonBlocking(ctx: CheckContext, first: SyntaxNode | undefined, block: SyntaxNode | undefined): boolean {
  const v = block ?? first;
  return !!v && ctx.src(v) === 'False';
}

/**
 * A blocking call moved off the event loop, two ways: `await asyncio.to_thread(f, a, b)` (Python
 * 3.9+, the clearer one, first) and `await asyncio.get_running_loop().run_in_executor(None, f, a, b)`
 * (every Python 3; keyword arguments go through functools.partial, which run_in_executor needs).
 */
function inThread(ctx: CheckContext, call: SyntaxNode): Fix[] {
  const asyncio = ctx.moduleName('asyncio');
  const fn = ctx.src(call.firstChild!);
  const list = call.getChild('ArgList');
  const inner = list ? ctx.text.slice(list.from + 1, list.to - 1).trim() : '';
  const toThread = ctx.awaitText(call, `${asyncio.name}.to_thread(${fn}${inner ? `, ${inner}` : ''})`);
  const args = ctx.args(call);
  const partial = args.keywords.size > 0 || args.spread ? ctx.moduleName('functools') : undefined;
  const work = partial
    ? `${partial.name}.partial(${fn}${inner ? `, ${inner}` : ''})`
    : `${fn}${inner ? `, ${inner}` : ''}`;
  const executor = ctx.awaitText(call, `${asyncio.name}.get_running_loop().run_in_executor(None, ${work})`);
  return [
    {
      title: `Run it in a thread: await ${asyncio.name}.to_thread(…) (Python 3.9+)`,
      edits: [...asyncio.edits, { from: call.from, to: call.to, text: toThread }],
    },
    {
      title: `Run it in a thread: await loop.run_in_executor(None, …) (any Python 3)`,
      edits: [...importEdits(asyncio.edits, partial?.edits ?? []), { from: call.from, to: call.to, text: executor }],
    },
  ];
}

/** Two modules' import edits as one (both insert at the same place). */
function importEdits(a: TextEdit[], b: TextEdit[]): TextEdit[] {
  if (a.length === 0 || b.length === 0) return [...a, ...b];
  return [{ from: a[0].from, to: a[0].to, text: a[0].text + b[0].text.replace(/^\n/, '') }];
}

function addAwait(call: SyntaxNode): Fix {
  return { title: 'Add await', edits: [{ from: call.from, to: call.from, text: 'await ' }] };
}

/** A call of an `async def` of this file (or of the enclosing class via self) whose coroutine is thrown away. */
function notAwaited(ctx: CheckContext, call: SyntaxNode): void {
  const f = call.firstChild;
  if (!f) return;
  const def = ctx.names.functionDef(f) ?? ctx.ownMethod(f);
  if (!def?.isAsync) return;
  const name = ctx.src(f);
  const fixes: Fix[] = [];
  if (ctx.inAsyncDef(call)) fixes.push(addAwait(call));
  else if (ctx.isModuleLevel(call)) {
    const asyncio = ctx.moduleName('asyncio');
    fixes.push({
      title: `Run it: ${asyncio.name}.run(${name}(…))`,
      edits: [
        ...asyncio.edits,
        { from: call.from, to: call.from, text: `${asyncio.name}.run(` },
        { from: call.to, to: call.to, text: ')' },
      ],
    });
  }
  ctx.report(
    'CL110',
    call,
    fixes,
    `${name}() is a coroutine function: calling it without await creates a coroutine that never runs`,
  );
}

function isCreateTask(ctx: CheckContext, call: SyntaxNode, q: string | undefined): boolean {
  if (q === 'asyncio.create_task' || q === 'asyncio.ensure_future') return true;
  if (ctx.methodName(call) !== 'create_task') return false;
  const recv = ctx.receiver(call);
  const type = recv ? ctx.names.typeOf(recv) : undefined;
  return !!type && EVENT_LOOPS.has(type);
}

/** Keep a reference: a module-level set that holds each task until it is done. */
function keepTaskFix(ctx: CheckContext, call: SyntaxNode): Fix[] {
  const stmt = call.parent!;
  if (!ctx.ownsLine(stmt)) return [];
  const existing = /^(\w+)\s*=\s*set\(\)\s*$/m.exec(ctx.text);
  const holder = existing && /tasks/.test(existing[1]) ? existing[1] : 'background_tasks';
  const task = ctx.freshName('task');
  const indent = ctx.text.slice(ctx.text.lastIndexOf('\n', stmt.from - 1) + 1, stmt.from);
  const edits: TextEdit[] = [];
  if (!existing || holder !== existing[1]) {
    const at = afterImports(ctx);
    edits.push({
      from: at,
      to: at,
      text: `\n${holder} = set()  # strong references: the event loop keeps only weak ones\n`,
    });
  }
  edits.push({
    from: stmt.from,
    to: stmt.to,
    text: `${task} = ${ctx.src(call)}\n${indent}${holder}.add(${task})\n${indent}${task}.add_done_callback(${holder}.discard)`,
  });
  return [{ title: `Keep the task in a set (${holder})`, edits }];
}

function afterImports(ctx: CheckContext): number {
  let at = 0;
  for (const s of statementsOf(ctx.tree.topNode)) {
    if (s.name !== 'ImportStatement' && !(s.name === 'ExpressionStatement' && s.firstChild?.name === 'String')) break;
    const nl = ctx.text.indexOf('\n', s.to);
    at = nl < 0 ? ctx.text.length : nl + 1;
  }
  return at;
}

/** `with asyncio.Lock()`-typed object, or `async with` a threading lock. */
function lockKindMismatch(ctx: CheckContext, w: SyntaxNode): void {
  const isAsync = w.firstChild?.name === 'async';
  for (const item of withItems(w)) {
    const type = ctx.names.typeOf(item);
    if (!type) continue;
    if (!isAsync && ASYNC_LOCKS.has(type))
      ctx.report(
        'CL114',
        item,
        ctx.inAsyncDef(w) ? [{ title: 'Use async with', edits: [{ from: w.from, to: w.from, text: 'async ' }] }] : [],
        `${ctx.src(item)} is an ${type}: it needs async with`,
      );
    if (isAsync && THREAD_LOCKS.has(type))
      ctx.report('CL114', item, [], `${ctx.src(item)} is a ${type}: it does not support async with`);
  }
}

/** The context expressions of a with statement (`with a, b as x:` → a, b). */
export function withItems(w: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  let afterAs = false;
  for (let c = w.firstChild; c && c.name !== 'Body'; c = c.nextSibling) {
    if (c.name === 'as') afterAs = true;
    else if (c.name === ',') afterAs = false;
    else if (/^[A-Z]/.test(c.name) && !afterAs) out.push(c);
  }
  return out;
}
