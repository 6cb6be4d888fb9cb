/**
 * The two readers every command-line parser here needs (trace, explore): a flag's value, and a
 * non-negative number. They throw with the message the user sees; each parser turns that into
 * `{ error }`.
 */
export function argReader(argv: readonly string[]): {
  valueOf: (i: number, flag: string) => string;
  count: (v: string, flag: string, allowFraction?: boolean) => number;
} {
  return {
    valueOf: (i, flag) => {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    },
    count: (v, flag, allowFraction = false) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowFraction && !Number.isInteger(n))) {
        throw new Error(`${flag} expects a ${allowFraction ? '' : 'whole '}number ≥ 0, got "${v}"`);
      }
      return n;
    },
  };
}
