/**
 * The thresholds of the run findings, in one place, each with why.
 *
 * 100 ms is asyncio's own line (debug mode's `loop.slow_callback_duration` reports a step that held
 * the loop longer) and about where a delay becomes noticeable to a person: a shorter stall is
 * ordinary scheduling, a longer one is a bug a user will feel.
 */
export const MS = 1_000_000;

/** One task step that held the event loop longer than this blocked every other task. */
export const BLOCKED_LOOP_NS = 100 * MS;

/** A lock hold this long, while another thread or task waited at least this long for it. */
export const LONG_HOLD_NS = 100 * MS;

/**
 * A thread counts as CPU-bound when it ran Python on the CPU for at least this long (less is too
 * little for a process pool to pay off: starting a worker process costs about that much).
 */
export const CPU_BOUND_NS = 50 * MS;

/**
 * Threads that truly ran in parallel use more CPU than wall time between them. Up to this ratio of
 * their summed CPU time to the wall time they shared, they took turns (the GIL), with clock slack.
 */
export const NO_SPEEDUP_RATIO = 1.1;

/** What counts as "the time went there": a part of a step or hold at least this share of it. */
export const MAIN_CAUSE_SHARE = 0.5;
