/**
 * The `--vscode-*` variables the Timeline page reads, with the values VS Code 1.100 gives them under its
 * default themes, Dark Modern and Light Modern (theme-defaults/themes/*_modern.json resolved through
 * their `include` chain; colours the themes leave unset take the colour registry's defaults). The
 * renderer and the webview tests paint the page with exactly these, so a PNG looks like the panel.
 */
export type ThemeKind = 'dark' | 'light';

const FONTS = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  'editor-font-size': '14px',
};

export const VSCODE_THEMES: Record<ThemeKind, Record<string, string>> = {
  dark: {
    'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', foreground: '#cccccc', descriptionForeground: '#9d9d9d',
    'panel-border': '#2b2b2b', 'sideBar-background': '#181818', focusBorder: '#0078d4',
    'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff', 'list-hoverBackground': '#2a2d2e',
    'list-inactiveSelectionBackground': '#37373d', 'editor-findMatchHighlightBackground': '#ea5c0055',
    'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-purple': '#b180d7',
    'editorError-foreground': '#f14c4c', 'editorWarning-foreground': '#cca700', 'editorInfo-foreground': '#3794ff', 'terminal-ansiCyan': '#11a8cd',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-border': '#ffffff12', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
    'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'textLink-foreground': '#4daafc', 'toolbar-hoverBackground': '#5a5d5e50',
    'editorWidget-background': '#202020', 'widget-border': '#313131', 'widget-shadow': '#0000005c',
    'editorHoverWidget-background': '#202020', 'editorHoverWidget-foreground': '#cccccc', 'editorHoverWidget-border': '#454545',
    'notifications-background': '#1f1f1f', 'notifications-foreground': '#cccccc', 'notifications-border': '#2b2b2b', 'progressBar-background': '#0078d4',
    'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-infoBackground': '#063b49',
    'statusBarItem-errorBackground': '#c72e0f', 'statusBarItem-errorForeground': '#ffffff',
    ...FONTS,
  },
  light: {
    'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', foreground: '#3b3b3b', descriptionForeground: '#3b3b3b',
    'panel-border': '#e5e5e5', 'sideBar-background': '#f8f8f8', focusBorder: '#005fb8',
    'list-activeSelectionBackground': '#e8e8e8', 'list-activeSelectionForeground': '#000000', 'list-hoverBackground': '#f2f2f2',
    'list-inactiveSelectionBackground': '#e4e6f1', 'editor-findMatchHighlightBackground': '#ea5c0055',
    'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-green': '#388a34', 'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-purple': '#652d90',
    'editorError-foreground': '#e51400', 'editorWarning-foreground': '#bf8803', 'editorInfo-foreground': '#1a85ff', 'terminal-ansiCyan': '#0598bc',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-border': '#0000001a', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'textLink-foreground': '#005fb8', 'toolbar-hoverBackground': '#b8b8b850',
    'editorWidget-background': '#f8f8f8', 'widget-border': '#e5e5e5', 'widget-shadow': '#00000029',
    'editorHoverWidget-background': '#f8f8f8', 'editorHoverWidget-foreground': '#3b3b3b', 'editorHoverWidget-border': '#c8c8c8',
    'notifications-background': '#ffffff', 'notifications-foreground': '#3b3b3b', 'notifications-border': '#e5e5e5', 'progressBar-background': '#005fb8',
    'inputValidation-errorBackground': '#f2dede', 'inputValidation-infoBackground': '#d6ecf2',
    'statusBarItem-errorBackground': '#c72e0f', 'statusBarItem-errorForeground': '#ffffff',
    ...FONTS,
  },
};
