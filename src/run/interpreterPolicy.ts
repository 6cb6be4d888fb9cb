/**
 * Which Python to run, and what check.py's verdict on a program means for the user. Pure: the
 * extension host and the CLI gather the facts, this decides.
 */
import type { RunError } from '../shared/traceModel';

export type InterpreterOrigin = 'python-extension' | 'setting' | 'path';

export interface InterpreterCandidate {
  command: string;
  origin: InterpreterOrigin;
}

/**
 * Our concurrencyLab.pythonPath setting wins when set (a user who sets it means it, even with the Python
 * extension installed), then the Python extension's active environment, then python3/python on PATH
 * (tried in that order by the caller until one runs).
 */
export function interpreterCandidates(opts: { pythonExtension?: string; setting?: string; platform?: NodeJS.Platform }): InterpreterCandidate[] {
  const setting = opts.setting?.trim();
  if (setting) return [{ command: setting, origin: 'setting' }];
  const ext = opts.pythonExtension?.trim();
  if (ext) return [{ command: ext, origin: 'python-extension' }];
  const names = (opts.platform ?? process.platform) === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  return names.map((command) => ({ command, origin: 'path' as const }));
}

export const MIN_PYTHON: readonly [number, number] = [3, 8];

export interface CheckResult {
  python: string;
  version?: number[];
  too_old: boolean;
  syntax_error?: { msg: string; line: number; col: number; text: string } | null;
  unguarded_process?: { line: number; call: string }[];
  executable?: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last line of check.py's output that is a JSON object with a python field. */
export function parseCheckOutput(stdout: string): CheckResult | undefined {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim().startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    let v: unknown;
    try {
      v = JSON.parse(lines[i]);
    } catch {
      continue;
    }
    if (!isObj(v) || typeof v.python !== 'string') continue;
    const version = Array.isArray(v.version) && v.version.every((x) => typeof x === 'number') ? v.version : undefined;
    let syntax: CheckResult['syntax_error'] = null;
    if (isObj(v.syntax_error)) {
      const s = v.syntax_error;
      syntax = {
        msg: typeof s.msg === 'string' ? s.msg : 'invalid syntax',
        line: typeof s.line === 'number' ? s.line : 0,
        col: typeof s.col === 'number' ? s.col : 0,
        text: typeof s.text === 'string' ? s.text : '',
      };
    }
    const unguarded = Array.isArray(v.unguarded_process)
      ? v.unguarded_process.filter(isObj).map((u) => ({ line: typeof u.line === 'number' ? u.line : 0, call: typeof u.call === 'string' ? u.call : 'Process' }))
      : [];
    const tooOld = v.too_old === true || (version !== undefined && (version[0] < MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && (version[1] ?? 0) < MIN_PYTHON[1])));
    return {
      python: v.python,
      version,
      too_old: tooOld,
      syntax_error: syntax,
      unguarded_process: unguarded,
      executable: typeof v.executable === 'string' ? v.executable : undefined,
    };
  }
  return undefined;
}

/**
 * The start method a program's processes will use: what the program asks for in its text, else the
 * platform default (fork on Linux before 3.14, forkserver from 3.14, spawn on macOS and Windows).
 */
export function likelyStartMethod(programText: string, version: readonly number[] | undefined, platform: NodeJS.Platform = process.platform): 'fork' | 'spawn' | 'forkserver' {
  const asked = /(?:set_start_method|get_context)\(\s*(?:method\s*=\s*)?['"](fork|spawn|forkserver)['"]/.exec(programText)?.[1];
  if (asked === 'fork' || asked === 'spawn' || asked === 'forkserver') return asked;
  if (platform === 'win32' || platform === 'darwin') return 'spawn';
  const [maj = 3, min = 0] = version ?? [];
  return maj > 3 || (maj === 3 && min >= 14) ? 'forkserver' : 'fork';
}

export interface ExplainContext {
  /** What was run, as the user knows it ("python3", "/usr/bin/python3.12"). */
  python: string;
  programText: string;
  /** The user's file or display name, for error locations. */
  file: string;
  toUser(line: number, column?: number): { line: number; column?: number };
  platform?: NodeJS.Platform;
}

/** Turns check.py's verdict into the error that stops the run, or null when the program may run. */
export function explainCheck(result: CheckResult | undefined, ctx: ExplainContext): RunError | null {
  if (!result) {
    return {
      code: 'python-missing',
      message: `"${ctx.python}" did not behave like a Python interpreter (its version check printed nothing usable).`,
      hint: 'Choose a Python 3.8 or newer interpreter (Python: Select Interpreter, or the concurrencyLab.pythonPath setting).',
    };
  }
  if (result.too_old) {
    const v = result.version ? result.version.slice(0, 3).join('.') : result.python;
    return {
      code: 'python-too-old',
      message: `"${ctx.python}" is Python ${v}; Concurrency Lab needs Python ${MIN_PYTHON.join('.')} or newer.`,
      hint: 'Choose a newer interpreter (Python: Select Interpreter, or the concurrencyLab.pythonPath setting).',
    };
  }
  if (result.syntax_error) {
    const s = result.syntax_error;
    const at = ctx.toUser(Math.max(1, s.line), s.col > 0 ? s.col : undefined);
    return {
      code: 'syntax-error',
      message: `Syntax error: ${s.msg}.`,
      hint: s.text.trim() ? `The line reads: ${s.text.trim().slice(0, 200)}` : 'Fix the line and run again.',
      file: ctx.file,
      line: at.line,
      column: at.column,
    };
  }
  const unguarded = result.unguarded_process ?? [];
  if (unguarded.length > 0) {
    const method = likelyStartMethod(ctx.programText, result.version, ctx.platform);
    if (method !== 'fork') {
      const first = unguarded[0];
      const at = ctx.toUser(Math.max(1, first.line));
      return {
        code: 'unguarded-process',
        message: `${first.call} is created at module level without an \`if __name__ == "__main__":\` guard. With the "${method}" start method every child process re-imports this file and would create processes again.`,
        hint: 'Move the code that creates processes (and everything after it) under `if __name__ == "__main__":`.',
        file: ctx.file,
        line: at.line,
      };
    }
  }
  return null;
}
