/**
 * Compare's two sides: one Timeline of two schedules, one process each, named after their side's letter
 * ("A · seed 3 (failing)", "B · seed 4 (passing)"). Explored seeds are long numbers that may differ in one
 * digit ("seed 1000000001" beside "seed 1000000000"), so the letter is what tells the sides apart at a
 * glance, and a name cut short for a narrow column must keep it. Pure.
 */

export type CompareLetter = 'A' | 'B';

/** A side's process name: its letter, then what the schedule is. */
export function sideName(letter: CompareLetter, schedule: string): string {
  return `${letter} · ${schedule}`;
}

/** A name made by sideName, split: its lead ("A · ") and the rest; undefined for any other name. */
export function splitSideName(name: string): { lead: string; rest: string } | undefined {
  const m = /^([AB]) · (.+)$/s.exec(name);
  return m ? { lead: `${m[1]} · `, rest: m[2] } : undefined;
}
