/**
 * A lock held long while others waited: a hold of at least LONG_HOLD_NS during which another thread
 * or task waited at least LONG_HOLD_NS for the same lock. Whatever the holder did meanwhile made the
 * waiter wait; when one thing took most of the hold (a sleep, a call), the finding names it.
 * Locks with one holder at a time only (Lock, RLock, asyncio.Lock and their multiprocessing twins):
 * a semaphore's holds cannot be paired with its releases.
 */
import type { Marker } from '../../shared/traceModel';
import type { RunFinding } from './types';
import { duration, type ModelAccess } from './modelAccess';
import { LONG_HOLD_NS } from './thresholds';

const ONE_HOLDER = new Set(['Lock', 'RLock', 'mp.Lock', 'mp.RLock', 'asyncio.Lock']);

interface Hold {
  acquired: Marker;
  end: number;
}

export function longLockHolds(m: ModelAccess): RunFinding[] {
  const holds = new Map<string, Hold[]>();
  const waits = new Map<string, Marker[]>();
  const open = new Map<string, { acquired: Marker; depth: number }>();
  const markers = [...m.model.markers].sort((a, b) => a.order - b.order);
  for (const k of markers) {
    const obj = m.objectOf(k);
    if (!obj || !ONE_HOLDER.has(m.primOf(k))) continue;
    if (k.kind === 'lock_acquired' && k.detail.ok !== 'false') {
      const o = open.get(obj);
      if (o)
        o.depth++; // an RLock taken again by its holder
      else open.set(obj, { acquired: k, depth: 1 });
    } else if (k.kind === 'lock_release') {
      const o = open.get(obj);
      if (o && --o.depth === 0) {
        open.delete(obj);
        push(holds, obj, { acquired: o.acquired, end: k.ts });
      }
    } else if (k.kind === 'lock_wait' && k.waitEnd !== undefined) {
      push(waits, obj, k);
    }
  }
  const out: RunFinding[] = [];
  for (const [obj, list] of holds) {
    for (const { acquired, end } of list) {
      const held = end - acquired.ts;
      if (held < LONG_HOLD_NS || acquired.source < 0 || acquired.line <= 0) continue;
      let waiter: { marker: Marker; ns: number } | undefined;
      for (const w of waits.get(obj) ?? []) {
        if (w.lane === acquired.lane) continue;
        const ns = Math.min(w.waitEnd ?? w.ts, end) - Math.max(w.ts, acquired.ts);
        if (ns >= LONG_HOLD_NS && (!waiter || ns > waiter.ns)) waiter = { marker: w, ns };
      }
      if (!waiter) continue;
      const lane = m.lane(acquired.lane);
      const cause = m.mainCause(acquired.lane, acquired.ts, end, depthAt(m, acquired.lane, acquired.ts));
      const inside = cause
        ? ` Most of that time went to ${cause.what}${cause.line > 0 ? ` (line ${cause.line})` : ''}.`
        : '';
      const waitLine = waiter.marker.line > 0 ? ` (line ${waiter.marker.line})` : '';
      out.push({
        kind: 'long-lock-hold',
        severity: 'warning',
        source: acquired.source,
        line: acquired.line,
        message:
          `${m.objectName(acquired)} was held here for ${duration(held)} by ${m.laneName(lane.id)} while ${m.laneName(waiter.marker.lane)} ` +
          `waited ${duration(waiter.ns)} for it${waitLine}.${inside} Hold a lock only around the shared state; do slow work outside it.`,
      });
    }
  }
  return out;
}

/** How deep the open spans of `lane` were at time `ts` (the holder's own frame is the deepest one open). */
function depthAt(m: ModelAccess, lane: number, ts: number): number {
  let depth = -1;
  for (const s of m.model.spans)
    if (s.lane === lane && s.start <= ts && s.end >= ts && s.depth > depth) depth = s.depth;
  return depth;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
