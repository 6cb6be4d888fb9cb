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
  return {
    background: cssVar(style, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
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
    roles: { blue, purple, orange, yellow, green, cyan, muted, foreground: fg, error, warning },
    // No red: red means an error or a stuck wait.
    palette: [blue, green, orange, purple, yellow, cyan],
    dark: !light,
  };
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
