/**
 * Theme colours, read from the --vscode-* variables VS Code puts on the page, re-read when the
 * body's theme class changes. Fallbacks only matter outside VS Code (they follow the dark/light class).
 */
import type { ColorRole } from './markerStyle';

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  selection: string;
  focus: string;
  highlight: string;
  laneHeader: string;
  error: string;
  warning: string;
  font: string;
  monoFont: string;
  roles: Record<ColorRole, string>;
  /** Lane palette (per process/thread colour keys). */
  palette: string[];
  dark: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v !== '' ? v : fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const light =
    document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light');
  const fg = cssVar(style, '--vscode-editor-foreground', light ? '#333333' : '#cccccc');
  const blue = cssVar(style, '--vscode-charts-blue', light ? '#1a85ff' : '#3794ff');
  const red = cssVar(style, '--vscode-charts-red', light ? '#e51400' : '#f14c4c');
  const green = cssVar(style, '--vscode-charts-green', light ? '#388a34' : '#89d185');
  const yellow = cssVar(style, '--vscode-charts-yellow', light ? '#bf8803' : '#cca700');
  const orange = cssVar(style, '--vscode-charts-orange', light ? '#d18616' : '#d18616');
  const purple = cssVar(style, '--vscode-charts-purple', light ? '#652d90' : '#b180d7');
  const cyan = cssVar(style, '--vscode-terminal-ansiCyan', light ? '#0598bc' : '#11a8cd');
  const muted = cssVar(style, '--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d');
  const error = cssVar(style, '--vscode-editorError-foreground', red);
  const warning = cssVar(style, '--vscode-editorWarning-foreground', yellow);
  const background = cssVar(style, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e');
  // State bands, markers and lane colours must stand out from the lanes (WCAG 1.4.11, 3:1): VS Code's
  // charts-orange is #d18616 in every theme, 2.9:1 on a light editor.
  const [b3, p3, o3, y3, g3, c3] = [blue, purple, orange, yellow, green, cyan].map((c) => legible(c, background, 3));
  return {
    background,
    foreground: fg,
    muted,
    border: cssVar(style, '--vscode-panel-border', light ? '#e5e5e5' : '#3c3c3c'),
    selection: cssVar(style, '--vscode-list-activeSelectionBackground', light ? '#0060c0' : '#04395e'),
    focus: cssVar(style, '--vscode-focusBorder', light ? '#0090f1' : '#007fd4'),
    highlight: cssVar(
      style,
      '--vscode-editor-findMatchHighlightBackground',
      light ? 'rgba(234,92,0,0.33)' : 'rgba(234,92,0,0.33)',
    ),
    laneHeader: cssVar(style, '--vscode-sideBar-background', light ? '#f3f3f3' : '#252526'),
    error,
    warning,
    font: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    monoFont: cssVar(style, '--vscode-editor-font-family', 'monospace'),
    roles: { blue: b3, purple: p3, orange: o3, yellow: y3, green: g3, cyan: c3, muted, foreground: fg, error, warning },
    // No red: red means an error or a stuck wait.
    palette: [b3, g3, o3, p3, y3, c3],
    dark: !light,
  };
}

function hexRgb(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color);
  if (!m || m[2] !== undefined) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance(rgb: readonly number[]): number {
  const f = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
}

/** WCAG 2 contrast ratio of two opaque sRGB colours ([r, g, b], 0–255): 1 to 21. */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * `color`, or the nearest shade of it (mixed toward black on a light background, white on a dark one)
 * with at least `min`:1 WCAG contrast on `background`. Colours other than opaque #rgb / #rrggbb are kept.
 */
export function legible(color: string, background: string, min: number): string {
  const c = hexRgb(color);
  const b = hexRgb(background);
  if (!c || !b) return color;
  const ratio = (rgb: readonly number[]): number => contrastRatio(rgb, b);
  if (ratio(c) >= min) return color;
  const to = luminance(b) > 0.18 ? 0 : 255;
  for (let k = 1; k <= 20; k++) {
    const mixed = c.map((v) => Math.round(v + ((to - v) * k) / 20));
    if (ratio(mixed) >= min) return `#${mixed.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }
  return color;
}

/** Calls `onChange` when VS Code switches theme (it swaps the body class and the variables). */
export function watchTheme(onChange: () => void): void {
  const obs = new MutationObserver(() => onChange());
  obs.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** The colour of a lane whose palette slot is `slot`. */
export function laneColor(theme: Theme, slot: number): string {
  return theme.palette[slot % theme.palette.length];
}
