/** multiprocessing and executor rules: the __main__ guard, pools left open, unpicklable targets, lost futures. */
import type { CheckContext } from '../context';
import { enclosingScope, indentUnit, lineEndAfter, lineStart, statementsOf, type SyntaxNode } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { EXECUTORS, MP_POOLS, PROCESS_STARTERS, PROCESSES } from './kinds';
import { alreadyReported, handoffAt, targetsOf } from './targets';

export function checkProcesses(ctx: CheckContext): void {
  for (const call of ctx.calls) {
    const q = ctx.callee(call);
    if (q && PROCESS_STARTERS.has(q) && ctx.isModuleLevel(call) && !ctx.underMainGuard(call)) {
      ctx.report(
        'CL301',
        call,
        mainGuardFix(ctx),
        `${ctx.src(call.firstChild!)}(…) at module level without if __name__ == "__main__": under spawn or forkserver (macOS, Windows, Linux from Python 3.14) every child re-runs this line`,
      );
    }
    if (q && MP_POOLS.has(q)) poolNeverClosed(ctx, call);
    unpicklableTarget(ctx, call);
    lostFuture(ctx, call);
  }
}

/** Wraps every top-level statement from the first process-starting one to the last non-definition in guards. */
function mainGuardFix(ctx: CheckContext): Fix[] {
  const top = statementsOf(ctx.tree.topNode);
  const starts = top.findIndex((s) =>
    ctx.calls.some(
      (c) =>
        c.from >= s.from &&
        c.to <= s.to &&
        PROCESS_STARTERS.has(ctx.callee(c) ?? '') &&
        !ctx.underMainGuard(c) &&
        ctx.isModuleLevel(c),
    ),
  );
  if (starts < 0) return [];
  const isDefinition = (s: SyntaxNode): boolean =>
    ['FunctionDefinition', 'ClassDefinition', 'DecoratedStatement', 'ImportStatement'].includes(s.name) ||
    isMainGuard(ctx, s);
  const unit = indentUnit(ctx.text);
  const edits: TextEdit[] = [];
  let run: SyntaxNode[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const from = lineStart(ctx.text, run[0].from);
    const to = lineEndAfter(ctx.text, run[run.length - 1].to);
    const body = ctx.text
      .slice(from, to)
      .split('\n')
      .map((l) => (l.trim() === '' ? l : unit + l))
      .join('\n');
    edits.push({ from, to, text: `if __name__ == "__main__":\n${body}${body.endsWith('\n') ? '' : '\n'}` });
    run = [];
  };
  for (const s of top.slice(starts)) {
    if (isDefinition(s)) flush();
    else run.push(s);
  }
  flush();
  return [{ title: 'Wrap the module-level code in if __name__ == "__main__":', edits }];
}

function isMainGuard(ctx: CheckContext, s: SyntaxNode): boolean {
  const body = s.name === 'IfStatement' ? s.getChild('Body') : null;
  return !!body && ctx.underMainGuard(body.lastChild ?? body);
}

/** CL302: `p = Pool(...)` (not a with) and p is never closed, terminated or joined in that scope. */
function poolNeverClosed(ctx: CheckContext, call: SyntaxNode): void {
  const stmt = call.parent;
  if (
    stmt?.name !== 'AssignStatement' ||
    stmt.firstChild?.name !== 'VariableName' ||
    stmt.lastChild?.from !== call.from
  )
    return;
  const name = ctx.src(stmt.firstChild);
  const scope = enclosingScope(call);
  const area = scope ? ctx.src(scope) : ctx.text;
  if (
    new RegExp(
      `\\b${name}\\.(close|terminate|join)\\(|\\bwith\\s+${name}\\b|\\breturn\\b[^\\n]*\\b${name}\\b|\\b${name}\\s*,|=\\s*${name}\\b`,
    ).test(area)
  )
    return;
  ctx.report(
    'CL302',
    call,
    poolWithFix(ctx, stmt, name),
    `${name} is never closed or joined: use with ${ctx.src(call.firstChild!)}(…) as ${name}:`,
  );
}

function poolWithFix(ctx: CheckContext, stmt: SyntaxNode, name: string): Fix[] {
  const { list, index } = ctx.siblings(stmt);
  if (
    !list.slice(index).every((s) => ctx.ownsLine(s)) ||
    (stmt.parent?.name === 'Script' && ctx.isModuleLevel(stmt) && !ctx.underMainGuard(stmt))
  )
    return [];
  const unit = indentUnit(ctx.text);
  const indent = ctx.text.slice(lineStart(ctx.text, stmt.from), stmt.from);
  const rest = list.slice(index + 1);
  const restText = rest.length
    ? ctx.text
        .slice(lineStart(ctx.text, rest[0].from), lineEndAfter(ctx.text, rest[rest.length - 1].to))
        .split('\n')
        .map((l) => (l.trim() === '' ? l : unit + l))
        .join('\n')
    : `${indent}${unit}pass\n`;
  const value = ctx.src(stmt.lastChild!);
  const from = lineStart(ctx.text, stmt.from);
  const to = rest.length ? lineEndAfter(ctx.text, rest[rest.length - 1].to) : lineEndAfter(ctx.text, stmt.to);
  return [
    {
      title: `Use with ${value} as ${name}:`,
      edits: [
        { from, to, text: `${indent}with ${value} as ${name}:\n${restText}${restText.endsWith('\n') ? '' : '\n'}` },
      ],
    },
  ];
}

/**
 * CL303 (a Process target) and CL304 (sent to a process pool, or to run_in_executor with one): a
 * lambda, or a def nested in a function or class body, which a process needs pickled. Reported where
 * it is written, once: at the argument a helper's caller passes when it comes through a parameter
 * (`def start(fn): Process(target=fn)` … `start(lambda: work(1))`).
 */
function unpicklableTarget(ctx: CheckContext, call: SyntaxNode): void {
  const h = handoffAt(ctx, call);
  if (!h) return;
  const code = PROCESSES.has(ctx.callee(call) ?? '') ? 'CL303' : 'CL304';
  for (const { via, def, method, runner } of targetsOf(ctx, h)) {
    if (runner !== 'process' || method || alreadyReported(ctx, code, via)) continue;
    if (!def) {
      ctx.report(
        code,
        via,
        [],
        code === 'CL303'
          ? 'A lambda as a process target cannot be pickled under spawn or forkserver (macOS, Windows, Linux from Python 3.14): use a module-level def'
          : 'A lambda cannot be pickled to send to a worker process: use a module-level def',
      );
      continue;
    }
    const scope = enclosingScope(def.node);
    if (!scope) continue;
    const what = scope.name === 'ClassDefinition' ? 'a class body' : 'a function';
    ctx.report(
      code,
      via,
      [],
      `${ctx.src(via)} is defined inside ${what}, so it cannot be pickled${code === 'CL303' ? ' under spawn or forkserver' : ' to send to a worker process'}: move it to module level`,
    );
  }
}

/**
 * CL401: `executor.submit(...)` or `executor.map(...)` as a statement, or a future stored in a name
 * that is never read: nobody sees its result or exception.
 */
function lostFuture(ctx: CheckContext, call: SyntaxNode): void {
  const m = ctx.methodName(call);
  if (m !== 'submit' && m !== 'map') return;
  const recv = ctx.receiver(call)!;
  const type = ctx.names.typeOf(recv);
  if (!type || !EXECUTORS.has(type)) return;
  if (ctx.isDiscarded(call)) {
    ctx.report(
      'CL401',
      call,
      [],
      m === 'submit'
        ? 'The future from submit() is dropped: if the call raises, nobody ever sees the exception. Keep it and call result()'
        : 'The results of map() are dropped: exceptions raised in the calls are never seen. Iterate over them',
    );
    return;
  }
  const stored = storedInUnreadName(ctx, call);
  if (m === 'submit' && stored)
    ctx.report(
      'CL401',
      call,
      [],
      `${stored} holds the future but is never read: if the call raises, nobody ever sees the exception. Call ${stored}.result()`,
    );
}

/** `name = call` where `name` is read nowhere in its scope (a closure or a global use counts as a read). */
function storedInUnreadName(ctx: CheckContext, call: SyntaxNode): string | undefined {
  const stmt = call.parent;
  if (
    stmt?.name !== 'AssignStatement' ||
    stmt.lastChild?.from !== call.from ||
    stmt.getChildren('AssignOp').length !== 1
  )
    return undefined;
  const target = stmt.firstChild;
  if (target?.name !== 'VariableName') return undefined;
  const name = ctx.src(target);
  const scope = enclosingScope(call);
  const from = scope?.from ?? 0;
  const text = ctx.text.slice(from, scope?.to ?? ctx.text.length);
  // Every other mention of the name that is not itself a plain `name = …` store is a read.
  for (const m of text.matchAll(new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g'))) {
    const at = from + (m.index ?? 0);
    if (at === target.from) continue;
    const rest = ctx.text.slice(at + name.length, at + name.length + 3);
    const lineHead = ctx.text.slice(ctx.text.lastIndexOf('\n', at - 1) + 1, at);
    if (/^\s*=(?!=)/.test(rest) && lineHead.trim() === '') continue;
    return undefined;
  }
  return name;
}
