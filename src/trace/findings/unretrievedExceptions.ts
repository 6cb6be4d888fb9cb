/**
 * An exception in an asyncio task that nobody retrieved: asyncio itself reported it ("Task exception
 * was never retrieved", when the task was collected with its exception unread), and the tracer wrote
 * that report as an uncaught exception of a task. Matched to the task that ended with that error, the
 * finding points at the line that created the task.
 */
import type { Marker } from '../../shared/traceModel';
import type { RunFinding } from './types';
import type { ModelAccess } from './modelAccess';

export function unretrievedExceptions(m: ModelAccess): RunFinding[] {
  const failed: Marker[] = [];
  const created = new Map<string, Marker>();
  const out: RunFinding[] = [];
  // Markers in execution order: asyncio reports a task's exception after the task ended with it.
  const markers = [...m.model.markers].sort((a, b) => a.order - b.order);
  for (const k of markers) {
    if (k.kind === 'task_create') {
      const obj = m.objectOf(k);
      if (obj) created.set(obj, k);
    } else if (k.kind === 'task_done' && k.detail.state === 'error') {
      failed.push(k);
    } else if (k.kind === 'exc' && k.detail.where === 'task' && k.detail.uncaught === 'true') {
      const error = `${k.detail.type ?? ''}: ${k.detail.msg ?? ''}`;
      const i = failed.findIndex((f) => f.detail.error === error && m.lane(f.lane).pid === m.lane(k.lane).pid);
      if (i < 0) continue;
      const [done] = failed.splice(i, 1);
      const made = created.get(m.objectOf(done) ?? '');
      if (!made || made.source < 0 || made.line <= 0) continue;
      const name = made.detail.name ? `"${made.detail.name}"` : `#${made.detail.obj ?? '?'}`;
      const coro = made.detail.coro ? ` (${made.detail.coro}())` : '';
      out.push({
        kind: 'unretrieved-exception',
        severity: 'warning',
        source: made.source,
        line: made.line,
        message: `Task ${name}${coro} created here raised ${error} and nobody retrieved it: asyncio reported "Task exception was never retrieved". Await the task (or gather it), or read task.exception() in a done callback.`,
      });
    }
  }
  return out;
}
