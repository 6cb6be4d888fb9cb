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

/** A schedule as Compare and the Explore table name it: its seed, and how it ended ("failing", "passing"). */
export function scheduleText(seed: number, outcome: string): string {
  return `seed ${seed} (${outcome})`;
}

/**
 * A name made by sideName, split: its lead ("A · "), the rest, and the rest's outcome in its parentheses
 * ("(failing)"; '' if it has none); undefined for any other name.
 */
export function splitSideName(name: string): { lead: string; rest: string; outcome: string } | undefined {
  const m = /^([AB]) · (.+)$/s.exec(name);
  if (m === null) return undefined;
  return { lead: `${m[1]} · `, rest: m[2], outcome: / (\([^()]+\))$/.exec(m[2])?.[1] ?? '' };
}
