/**
 * An exception in a concurrent.futures Future (Executor.submit) that nobody retrieved: the future ended
 * with an error, and the program never called result() or exception() on it once it had finished, nor
 * gave it a done callback (the tracer writes future_read for the first of those). Unlike asyncio,
 * concurrent.futures says nothing about such an exception: it is lost silently. The finding points at
 * the submit line.
 */
import type { Marker } from '../../shared/traceModel';
import type { ModelAccess } from './modelAccess';
import type { RunFinding } from './types';

export function unretrievedFutureExceptions(m: ModelAccess): RunFinding[] {
  // Past the event budget a read may not have been written: then a lost exception can't be proved.
  if (m.model.markers.some((k) => k.kind === 'limit' && k.detail.what === 'events')) return [];
  const submitted = new Map<string, Marker>();
  const read = new Set<string>();
  const failed: Marker[] = [];
  for (const k of m.model.markers) {
    const obj = k.kind.startsWith('future_') ? m.objectOf(k) : undefined;
    if (obj === undefined) continue;
    if (k.kind === 'future_submit') submitted.set(obj, k);
    else if (k.kind === 'future_read') read.add(obj);
    else if (k.kind === 'future_done' && k.detail.state === 'error') failed.push(k);
  }
  const out: RunFinding[] = [];
  for (const done of failed) {
    const obj = m.objectOf(done) ?? '';
    const made = submitted.get(obj);
    if (read.has(obj) || !made || made.source < 0 || made.line <= 0) continue;
    const fn = made.detail.fn ? `${made.detail.fn}()` : 'the function';
    const executor = made.detail.executor ?? 'the executor';
    out.push({
      kind: 'unretrieved-exception',
      severity: 'warning',
      source: made.source,
      line: made.line,
      message: `${fn} submitted here to ${executor} raised ${done.detail.error ?? 'an exception'} and nobody retrieved it: the future kept the exception and Python said nothing. Call future.result() (or future.exception()) on it, for example over concurrent.futures.as_completed().`,
    });
  }
  return out;
}
