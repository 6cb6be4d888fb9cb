/**
 * The explorer's proven data races (a traced replay only). Each 'race' event names two of the run's
 * 'shared_access' events by id; those two become markers where they happened, and the rest of the
 * accesses nothing. The race event comes after both accesses, so `scanRaces` reads the races ahead,
 * once, at the stream's first access: only a replay writes accesses, so a plain run's build never
 * scans (the model's one pass stays one pass).
 */
import type { DataRace, Marker, RaceAccess } from '../../shared/traceModel';
import { asData, clip, num, str, type Data } from '../rawData';
import type { RawEvent } from '../schema';
import type { FamilyOf } from './handler';

interface Side {
  id: number;
  lane: string;
  line: number;
  kind: RaceAccess['kind'];
  file: string;
}

/** One side of a race, keyed by "pid:id" of its access; a race has two. */
export interface RaceRef {
  race: number;
  role: 0 | 1;
  target: string;
  other: Side;
}

export interface RaceScan {
  /** "pid:access id" → the races that access is part of. */
  refs: Map<string, RaceRef[]>;
  targets: string[];
}

function side(v: unknown): Side | undefined {
  const d = asData(v);
  const id = num(d, 'id');
  if (id === undefined) return undefined;
  return {
    id,
    lane: clip(str(d, 'lane'), 200),
    line: num(d, 'line') ?? 0,
    kind: str(d, 'kind') === 'write' ? 'write' : 'read',
    file: str(d, 'file'),
  };
}

/** The races of the stream, by the accesses they name (empty for a stream that has none). */
export function scanRaces(events: readonly RawEvent[]): RaceScan {
  const refs = new Map<string, RaceRef[]>();
  const targets: string[] = [];
  for (const ev of events) {
    if (ev[5] !== 'race') continue;
    const d = asData(ev[6]);
    const a = side(d.first);
    const b = side(d.second);
    if (!a || !b || a.id === b.id) continue;
    const race = targets.length;
    const target = clip(str(d, 'target', 'a shared value'), 200);
    targets.push(target);
    const add = (key: string, ref: RaceRef): void => {
      const list = refs.get(key) ?? [];
      list.push(ref);
      refs.set(key, list);
    };
    add(`${ev[2]}:${a.id}`, { race, role: 0, target, other: b });
    add(`${ev[2]}:${b.id}`, { race, role: 1, target, other: a });
  }
  return { refs, targets };
}

/** Lanes and lines of the races' accesses, from their markers (after the lanes took their final ids). */
export function placeRaces(races: readonly DataRace[], markers: readonly Marker[]): DataRace[] {
  return races.map((r) => ({
    target: r.target,
    accesses: [place(r.accesses[0], markers), place(r.accesses[1], markers)],
  }));
}

function place(a: RaceAccess, markers: readonly Marker[]): RaceAccess {
  const m = markers[a.marker];
  return { ...a, lane: m.lane, line: m.line };
}

export const races: FamilyOf<'shared_access' | 'race'> = (b) => {
  let scan: RaceScan | undefined;
  let found: (RaceAccess | undefined)[][] = [];
  const scanned = (): RaceScan => {
    if (scan) return scan;
    scan = scanRaces(b.stream);
    found = scan.targets.map(() => [undefined, undefined]);
    return scan;
  };
  return {
    handlers: {
      shared_access(ev, ts) {
        const d = asData(ev[6]);
        const refs = scanned().refs.get(`${ev[2]}:${num(d, 'id') ?? -1}`);
        if (!refs) return;
        // An access in two races is one marker: its text names the first race it is part of.
        const first = refs[0];
        const data: Data = {
          kind: str(d, 'kind') === 'write' ? 'write' : 'read',
          line: num(d, 'line') ?? 0,
          ...(first.other.file ? { file: first.other.file } : {}),
          target: first.target,
          other_lane: first.other.lane,
          other_line: first.other.line,
          other_kind: first.other.kind,
        };
        b.marker('shared_access', [ev[0], ev[1], ev[2], ev[3], ev[4], ev[5], data], ts);
        const marker = b.markers.length - 1;
        for (const r of refs)
          found[r.race][r.role] = { marker, lane: -1, line: 0, kind: data.kind as RaceAccess['kind'] };
      },
      race() {
        // read by scanRaces at the first access (a race names two accesses before it)
      },
    },
    finish() {
      b.races = [];
      found.forEach(([x, y], i) => {
        if (scan && x && y) b.races.push({ target: scan.targets[i], accesses: [x, y] });
      });
    },
  };
};
