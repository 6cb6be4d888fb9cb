/**
 * Sizes the user chose by dragging (canvas height, list | output split, LANE column, the canvas's
 * label column) and whether the legend is folded, kept in the
 * webview's state so they survive the panel being hidden, moved or VS Code restarting.
 */
export interface ViewPrefs {
  /** Height of the canvas (CSS px); unset: it follows the lanes. */
  canvasPx?: number;
  /** Width of the step list beside the output (wide panels). */
  listWidthPx?: number;
  /** Height of the step list above the output (narrow panels). */
  listHeightPx?: number;
  /** Width of the step list's LANE column. */
  laneColPx?: number;
  /** Width of the canvas's label column (lane names). */
  gutterPx?: number;
  /** The legend unfolded (true) or folded to one line (false); unset: folded in a narrow panel only. */
  legendOpen?: boolean;
}

/** The webview's state API (acquireVsCodeApi().getState/setState), or a stand-in. */
export interface StateStore {
  get(): unknown;
  set(state: unknown): void;
}

const KEYS = ['canvasPx', 'listWidthPx', 'listHeightPx', 'laneColPx', 'gutterPx'] as const;

/** What the state holds, keeping only sane numbers (the state is ours, but may be from an older version). */
export function readPrefs(store: StateStore | undefined): ViewPrefs {
  const raw = store?.get();
  const out: ViewPrefs = {};
  if (typeof raw !== 'object' || raw === null) return out;
  const prefs = (raw as { prefs?: unknown }).prefs;
  if (typeof prefs !== 'object' || prefs === null) return out;
  for (const k of KEYS) {
    const v = (prefs as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 100_000) out[k] = v;
  }
  const open = (prefs as Record<string, unknown>).legendOpen;
  if (typeof open === 'boolean') out.legendOpen = open;
  return out;
}

export function writePrefs(store: StateStore | undefined, prefs: ViewPrefs): void {
  if (!store) return;
  const raw = store.get();
  const base = typeof raw === 'object' && raw !== null ? raw : {};
  store.set({ ...base, prefs });
}
