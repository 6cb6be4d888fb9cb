/** Which functions of this file a thread, task or process target stands for. One home for every rule that asks. */
import type { CheckContext } from '../context';
import { childrenOf, enclosingFunction, type SyntaxNode } from '../syntax';

export interface TargetDef {
  def: { node: SyntaxNode; isAsync: boolean };
  /** The expression that names the def: the target itself, or the argument passed to the helper. */
  via: SyntaxNode;
  /** The call of the helper that passed it in, when the target is a parameter. */
  helperCall?: SyntaxNode;
}

/**
 * The defs a target expression (`Thread(target=X)`, `submit(X)`, `map(X, …)`, `Process(target=X)`)
 * runs: X itself when it names a def, or, when X is a parameter of the function the target sits in
 * (`def run(worker): Thread(target=worker)`), the defs passed at that parameter, positionally or by
 * keyword, by every call of that function by its plain name in this file (`run(unsafe_increment)`).
 * One level only: a helper's caller that passes on its own parameter, a method called through
 * `self.`, a default value or a call with `*args`/`**kw` resolves to nothing, which keeps rules quiet.
 */
export function targetDefs(ctx: CheckContext, target: SyntaxNode): TargetDef[] {
  const own = ctx.names.functionDef(target);
  if (own) return [{ def: own, via: target }];
  if (target.name !== 'VariableName' || ctx.names.lookup(ctx.src(target), target)?.kind !== 'param') return [];
  const helper = enclosingFunction(target);
  if (helper?.name !== 'FunctionDefinition') return [];
  const slot = paramSlot(ctx, helper, ctx.src(target));
  if (!slot) return [];
  const out: TargetDef[] = [];
  for (const call of ctx.calls) {
    const callee = call.firstChild;
    if (callee?.name !== 'VariableName' || ctx.names.functionDef(callee)?.node.from !== helper.from) continue;
    const args = ctx.args(call);
    if (args.spread) continue;
    const arg = args.keywords.get(slot.name) ?? (slot.index >= 0 ? args.positional[slot.index] : undefined);
    const def = arg && ctx.names.functionDef(arg);
    if (def) out.push({ def, via: arg, helperCall: call });
  }
  return out;
}

/** A parameter's name and position (-1 when keyword-only), or undefined for `*args`/`**kw`. */
function paramSlot(ctx: CheckContext, def: SyntaxNode, name: string): { name: string; index: number } | undefined {
  const list = def.getChild('ParamList');
  if (!list) return undefined;
  let index = 0;
  let positional = true;
  let afterEquals = false;
  let star = false;
  for (const c of childrenOf(list)) {
    if (c.name === 'AssignOp') afterEquals = true;
    else if (c.name === ',') afterEquals = star = false;
    else if (c.name === '*' || c.name === '**') [positional, star] = [false, true];
    else if (c.name === 'VariableName' && !afterEquals) {
      if (ctx.src(c) === name) return star ? undefined : { name, index: positional ? index : -1 };
      if (positional) index++;
    }
  }
  return undefined;
}

/** A rule already reported `code` at this node: a def passed to a helper that starts it twice is one finding. */
export function alreadyReported(ctx: CheckContext, code: string, node: SyntaxNode): boolean {
  return ctx.findings.some((f) => f.code === code && f.from === node.from && f.to === node.to);
}
