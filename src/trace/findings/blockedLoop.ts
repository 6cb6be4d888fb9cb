/**
 * The event loop blocked: one step of a task (from a resume to its next await) ran longer than
 * BLOCKED_LOOP_NS. The loop runs one step at a time, so every other task and callback waited. Says
 * which call took the time when the trace shows it, and how much of the step was on the CPU.
 */
import type { RunFinding } from './types';
import { duration, type ModelAccess } from './modelAccess';
import { BLOCKED_LOOP_NS } from './thresholds';

export function blockedLoop(m: ModelAccess): RunFinding[] {
  // One finding per line: a loop that blocks on every pass says so once, with the count and the longest.
  const byLine = new Map<
    string,
    { finding: RunFinding; count: number; longest: number; what: string; lane: number; cpu: number }
  >();
  for (const step of m.taskSteps()) {
    const wall = step.end - step.start;
    if (wall <= BLOCKED_LOOP_NS) continue;
    const coro = m.span(step.span);
    const cause = m.mainCause(step.lane, step.start, step.end, coro.depth);
    const source = cause?.source ?? coro.source;
    const line = cause?.line ?? coro.line;
    if (source < 0 || line <= 0) continue;
    const key = `${source}:${line}`;
    const what = cause ? cause.what : `${coro.qualname}() ran without reaching an await`;
    const seen = byLine.get(key);
    if (seen) {
      seen.count++;
      if (wall > seen.longest) Object.assign(seen, { longest: wall, what, lane: step.lane, cpu: step.cpu });
      continue;
    }
    byLine.set(key, {
      finding: { kind: 'blocked-loop', severity: 'warning', source, line, message: '' },
      count: 1,
      longest: wall,
      what,
      lane: step.lane,
      cpu: step.cpu,
    });
  }
  return [...byLine.values()].map(({ finding, count, longest, what, lane, cpu }) => {
    const times = count > 1 ? ` (${count} times, the longest ${duration(longest)})` : ` for ${duration(longest)}`;
    const onCpu = cpu >= 0 ? `, ${duration(cpu)} of it on the CPU` : '';
    const advice = what.startsWith('time.sleep')
      ? 'use await asyncio.sleep() instead'
      : 'await the slow work instead: asyncio.to_thread() (Python 3.9+) or loop.run_in_executor() for blocking calls, a process pool for CPU work';
    finding.message = `The event loop was blocked${times} by ${what} in ${m.laneName(lane)}${onCpu}: no other task ran meanwhile. ${capital(advice)}.`;
    return finding;
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
