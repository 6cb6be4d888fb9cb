/**
 * Findings for people and programs: 1-based line/column ranges (columns count UTF-16 code units,
 * as VS Code does), the JSON shape of `concurrency-lab check --json`, and the text report.
 */
import type { Finding, TextEdit } from './types';

export interface Position1 {
  line: number;
  column: number;
}

/** Maps offsets to 1-based positions with one pass over the line starts. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): Position1 {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export interface JsonEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface JsonFinding {
  code: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Finding['severity'];
  message: string;
  fixes: Array<{ title: string; edits: JsonEdit[] }>;
}

export function toJson(text: string, findings: readonly Finding[]): JsonFinding[] {
  const map = new LineMap(text);
  const range = (e: { from: number; to: number }): Omit<JsonEdit, 'newText'> => {
    const a = map.at(e.from);
    const b = map.at(e.to);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  };
  return findings.map((f) => ({
    code: f.code,
    ...range(f),
    severity: f.severity,
    message: f.message,
    fixes: f.fixes.map((x) => ({
      title: x.title,
      edits: x.edits.map((e: TextEdit) => ({ ...range(e), newText: e.text })),
    })),
  }));
}

/** `FILE:LINE:COL: severity CODE message`, one line each (the format editors and CI logs understand). */
export function toText(file: string, text: string, findings: readonly Finding[]): string {
  const map = new LineMap(text);
  return findings
    .map((f) => {
      const p = map.at(f.from);
      return `${file}:${p.line}:${p.column}: ${f.severity} ${f.code} ${f.message}${f.fixes.length ? ` [fix: ${f.fixes[0].title}]` : ''}`;
    })
    .join('\n');
}
