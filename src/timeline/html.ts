/**
 * Builds the Timeline webview's HTML. Pure (no vscode import) so the browser tests load exactly the page
 * the extension shows. Everything dynamic is escaped; the only script is our bundle, allowed by nonce.
 */
export interface TimelineHtmlOptions {
  /** webview.cspSource: the origin our bundle, stylesheet and fonts are served from. */
  cspSource: string;
  /** Fresh random value per page load (base64/hex, no quotes). */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ATTR_ESCAPES[c] ?? c);
}

/** A nonce must not be able to break out of the CSP or the attribute it sits in. */
function checkNonce(nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('nonce must be at least 16 base64/hex characters');
  return nonce;
}

/**
 * webview.cspSource is a space-separated source list (code-server gives "'self' https://*.vscode-cdn.net"):
 * allow host sources and the 'self' keyword, nothing that could end the directive or add other keywords.
 */
function checkSource(source: string): string {
  const tokens = source.trim().split(/\s+/);
  if (!tokens.every((t) => t === "'self'" || /^[^\s;'",]+$/.test(t))) throw new Error(`unsafe CSP source: ${source}`);
  return tokens.join(' ');
}

export function buildTimelineCsp(cspSource: string, nonce: string): string {
  const src = checkSource(cspSource);
  const n = checkNonce(nonce);
  return [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${src}`,
    `img-src ${src} data:`,
    `font-src ${src}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildTimelineHtml(opts: TimelineHtmlOptions): string {
  const csp = buildTimelineCsp(opts.cspSource, opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>${escapeHtml(opts.title)}</title>
</head>
<body>
<div id="app" class="app" data-title="${escapeHtml(opts.title)}"></div>
<script nonce="${escapeHtml(opts.nonce)}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
