/**
 * The run's copy of a program is written as UTF-8 (it is the editor's text, already decoded). A PEP 263
 * cookie naming another encoding (`# -*- coding: latin-1 -*-`) would make Python decode those UTF-8
 * bytes as latin-1 (`café` turning into `cafÃ©`), so the copy's cookie names utf-8 instead: same
 * lines, same columns, the text the editor shows. A saved file that runs as itself needs none of this.
 */

// Python's tokenizer: the cookie is on line 1, or on line 2 when line 1 is blank or a comment.
const COOKIE = /^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:#|$)/;

function isUtf8(name: string): boolean {
  const n = name.toLowerCase().replace(/_/g, '-');
  return n === 'utf-8' || n === 'utf8' || n.startsWith('utf-8-');
}

/** `text` with a non-UTF-8 encoding cookie (if any) renamed to utf-8; otherwise `text` itself. */
export function asUtf8Source(text: string): string {
  const lines = text.split('\n', 3);
  for (let i = 0; i < Math.min(2, lines.length); i++) {
    const line = lines[i].replace(/^\uFEFF/, '');
    const m = COOKIE.exec(line);
    if (m) {
      if (isUtf8(m[2])) return text;
      const start = lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0) + (lines[i].length - line.length);
      return `${text.slice(0, start)}${m[1]}utf-8${text.slice(start + m[0].length)}`;
    }
    if (!BLANK_OR_COMMENT.test(line)) return text;
  }
  return text;
}
