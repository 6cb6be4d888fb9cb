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

/** High-contrast theme kinds: VS Code puts `vscode-high-contrast` on the body for both (and `-light` for the light one). */
export type HighContrastKind = 'hc-dark' | 'hc-light';

/**
 * Dark High Contrast and Light High Contrast: the colour registry's hcDark / hcLight defaults of VS Code
 * 1.100 (the themes themselves set almost nothing). Colours the registry leaves unset in high contrast
 * (list selection, find highlight, button background in hc-dark) are left out, as VS Code leaves the
 * variable out: the page must then fall back to outlines and its own defaults.
 */
export const VSCODE_HC_THEMES: Record<HighContrastKind, Record<string, string>> = {
  'hc-dark': {
    'editor-background': '#000000', 'editor-foreground': '#ffffff', foreground: '#ffffff', descriptionForeground: '#ffffffb3',
    contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518', 'panel-border': '#6fc3df', 'sideBar-background': '#000000', focusBorder: '#f38518',
    'list-hoverBackground': '#ffffff1a', 'list-focusOutline': '#f38518',
    'charts-blue': '#3794ff', 'charts-red': '#f48771', 'charts-green': '#89d185', 'charts-yellow': '#ffd370', 'charts-orange': '#d18616', 'charts-purple': '#b180d7',
    'editorError-foreground': '#f48771', 'editorWarning-foreground': '#ffd370', 'editorInfo-foreground': '#3794ff',
    'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryForeground': '#ffffff',
    'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff',
    'textLink-foreground': '#21a6ff', 'editorWidget-background': '#0c141f', 'widget-border': '#6fc3df',
    'inputValidation-errorBackground': '#000000', 'inputValidation-infoBackground': '#000000',
    ...FONTS,
  },
  'hc-light': {
    'editor-background': '#ffffff', 'editor-foreground': '#292929', foreground: '#292929', descriptionForeground: '#292929b3',
    contrastBorder: '#0f4a85', contrastActiveBorder: '#006bbd', 'panel-border': '#0f4a85', 'sideBar-background': '#ffffff', focusBorder: '#006bbd',
    'list-activeSelectionBackground': '#0f4a851a', 'list-inactiveSelectionBackground': '#0f4a851a', 'list-hoverBackground': '#0f4a851a', 'list-focusOutline': '#006bbd',
    'charts-blue': '#1a85ff', 'charts-red': '#b5200d', 'charts-green': '#374e06', 'charts-yellow': '#895503', 'charts-orange': '#d18616', 'charts-purple': '#652d90',
    'editorError-foreground': '#b5200d', 'editorWarning-foreground': '#895503', 'editorInfo-foreground': '#1a85ff',
    'button-background': '#0f4a85', 'button-foreground': '#ffffff', 'button-border': '#0f4a85', 'button-secondaryBackground': '#ffffff', 'button-secondaryForeground': '#292929',
    'input-background': '#ffffff', 'input-foreground': '#292929', 'input-border': '#0f4a85', 'dropdown-background': '#ffffff', 'dropdown-foreground': '#292929',
    'textLink-foreground': '#0f4a85', 'editorWidget-background': '#ffffff', 'widget-border': '#0f4a85',
    'inputValidation-errorBackground': '#ffffff', 'inputValidation-infoBackground': '#ffffff',
    ...FONTS,
  },
};

/** The classes VS Code puts on a webview's body for each theme kind. */
export const THEME_BODY_CLASSES: Record<ThemeKind | HighContrastKind, string[]> = {
  dark: ['vscode-dark'],
  light: ['vscode-light'],
  'hc-dark': ['vscode-high-contrast'],
  'hc-light': ['vscode-high-contrast', 'vscode-high-contrast-light'],
};
