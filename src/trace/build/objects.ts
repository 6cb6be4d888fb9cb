/** The program's names for its synchronisation objects ("lock_b", "self.jobs"), from where it made them. */
import { asData, clip, num, str } from '../rawData';
import type { FamilyOf } from './handler';

export const objects: FamilyOf<'obj_new'> = (b) => {
  /**
   * How many objects of a process took each name so far: a second `self.lock` (a second instance's) reads
   * "self.lock (2nd one)", which says what a bare "(2)" left a newcomer to guess.
   */
  const taken = new Map<string, number>();
  return {
    handlers: {
      obj_new(ev) {
        const d = asData(ev[6]);
        const obj = num(d, 'obj');
        if (obj === undefined) return;
        const key = `${ev[2]}:${obj}`;
        const line = num(d, 'line');
        if (line !== undefined && line > 0) b.objLines.set(key, line);
        const name = clip(str(d, 'name'), 80);
        if (!name) return;
        const n = (taken.get(`${ev[2]}:${name}`) ?? 0) + 1;
        taken.set(`${ev[2]}:${name}`, n);
        b.objNames.set(key, n === 1 ? name : `${name} (${ordinal(n)} one)`);
      },
    },
  };
};

/** 2 → "2nd", 3 → "3rd", 11 → "11th", 22 → "22nd". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
