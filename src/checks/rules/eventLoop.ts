/**
 * CL120: `loop = asyncio.get_event_loop()` at module level. The fix moves the code that uses the
 * loop into `async def main()` run by `asyncio.run(main())`: `loop.run_until_complete(x)` becomes
 * `await x`, `loop.close()` goes (asyncio.run closes it), other uses of the loop get the running one.
 */
import type { CheckContext } from '../context';
import { lineEndAfter, lineStart, statementOf, statementsOf, type SyntaxNode } from '../syntax';
import type { Fix, TextEdit } from '../types';

export function checkEventLoop(ctx: CheckContext): void {
  for (const call of ctx.calls) {
    if (ctx.callee(call) !== 'asyncio.get_event_loop' || !ctx.isModuleLevel(call) || ctx.inAsyncDef(call)) continue;
    const fix = asyncioRunFix(ctx, call);
    ctx.report('CL120', call, fix ? [fix] : []);
  }
}

function asyncioRunFix(ctx: CheckContext, call: SyntaxNode): Fix | undefined {
  const stmt = statementOf(call);
  // Only the plain `loop = asyncio.get_event_loop()` statement, directly in the module.
  if (stmt.parent?.name !== 'Script' || stmt.name !== 'AssignStatement' || stmt.lastChild?.from !== call.from)
    return undefined;
  const target = stmt.firstChild;
  if (target?.name !== 'VariableName' || !ctx.ownsLine(stmt)) return undefined;
  const loop = ctx.src(target);
  const top = statementsOf(ctx.tree.topNode);
  const first = top.findIndex((s) => s.from === stmt.from);
  // The block runs to the last top-level statement that mentions the loop.
  let last = first;
  const mentions = new RegExp(`\\b${loop}\\b`);
  for (let i = first + 1; i < top.length; i++) if (mentions.test(ctx.src(top[i]))) last = i;
  if (last === first) return undefined;
  const block = top.slice(first, last + 1);
  if (
    block.some(
      (s) =>
        s.name === 'FunctionDefinition' ||
        s.name === 'ClassDefinition' ||
        s.name === 'DecoratedStatement' ||
        s.name === 'ImportStatement',
    )
  )
    return undefined;
  if (/\b(run_forever|yield)\b/.test(ctx.text.slice(stmt.from, block[block.length - 1].to))) return undefined;

  const asyncio = ctx.moduleName('asyncio');
  const main = ctx.freshName('main');
  const unit = '    ';
  const from = lineStart(ctx.text, stmt.from);
  const to = lineEndAfter(ctx.text, block[block.length - 1].to);
  // Edits inside the block, applied to its text.
  const inner: TextEdit[] = [];
  let usesLoopOtherwise = false;
  for (const c of ctx.calls) {
    if (c.from < stmt.to || c.to > to) continue;
    const recv = ctx.receiver(c);
    if (!recv || ctx.src(recv) !== loop) continue;
    const m = ctx.methodName(c);
    const args = ctx.args(c);
    if (m === 'run_until_complete' && args.positional.length === 1)
      inner.push({ from: c.from, to: c.to, text: ctx.awaitText(c, ctx.src(args.positional[0])) });
    else if (m === 'close' && c.parent?.name === 'ExpressionStatement' && ctx.ownsLine(c.parent))
      inner.push({ from: lineStart(ctx.text, c.from), to: lineEndAfter(ctx.text, c.to), text: '' });
    else usesLoopOtherwise = true;
  }
  if (inner.length === 0) return undefined;
  // Names the block binds that code after it (or functions) read stay module globals.
  const bound = new Set<string>();
  for (const s of block) for (const m of ctx.src(s).matchAll(/^(\w+)\s*(?::[^=]*)?=(?!=)/gm)) bound.add(m[1]);
  bound.delete(loop);
  const outside = ctx.text.slice(0, from) + ctx.text.slice(to);
  const globals = [...bound].filter((n) => new RegExp(`\\b${n}\\b`).test(outside));

  let body = ctx.text.slice(stmt.to, to);
  for (const e of inner.sort((a, b) => b.from - a.from))
    body = body.slice(0, e.from - stmt.to) + e.text + body.slice(e.to - stmt.to);
  const lines: string[] = [];
  if (globals.length) lines.push(`global ${globals.join(', ')}`);
  if (usesLoopOtherwise) lines.push(`${loop} = ${asyncio.name}.get_running_loop()`);
  const bodyLines = body.replace(/^[^\n]*\n/, '').split('\n');
  const indented = [...lines.map((l) => unit + l), ...bodyLines.map((l) => (l.trim() === '' ? l : unit + l))]
    .join('\n')
    .replace(/\s+$/, '');
  const text = `async def ${main}():\n${indented.trim() === '' ? `${unit}pass` : indented}\n\n\n${asyncio.name}.run(${main}())\n`;
  return { title: `Run it with ${asyncio.name}.run(${main}())`, edits: [...asyncio.edits, { from, to, text }] };
}
