/**
 * Which Python to run, the oldest one we accept, and what the launcher's pre-run report
 * (src/tracer/concurrency_lab_tracer/preflight.py) means for the user. Pure: the extension host and
 * the CLI gather the facts, this decides.
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
export function interpreterCandidates(opts: {
  pythonExtension?: string;
  setting?: string;
  platform?: NodeJS.Platform;
}): InterpreterCandidate[] {
  const setting = opts.setting?.trim();
  if (setting) return [{ command: setting, origin: 'setting' }];
  const ext = opts.pythonExtension?.trim();
  if (ext) return [{ command: ext, origin: 'python-extension' }];
  const names = (opts.platform ?? process.platform) === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  return names.map((command) => ({ command, origin: 'path' as const }));
}

/**
 * The oldest Python Concurrency Lab runs: the one home of this rule. The launcher gets it with every
 * run (and refuses older ones), the interpreter probe compares against it, and messages quote it; a
 * unit test checks that package.json and the README say the same.
 */
export const MIN_PYTHON: readonly [number, number] = [3, 8];

/** "3.8". */
export const MIN_PYTHON_TEXT = MIN_PYTHON.join('.');

/** True when a version ([major, minor, ...]) is older than MIN_PYTHON. */
export function isTooOld(version: readonly number[]): boolean {
  const [major = 0, minor = 0] = version;
  return major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1]);
}

export interface CheckResult {
  python: string;
  version?: number[];
  too_old: boolean;
  syntax_error?: { msg: string; line: number; col: number; text: string } | null;
  unguarded_process?: { line: number; call: string }[];
  /** The start method the program's processes will use (reported only when it creates processes). */
  start_method?: 'fork' | 'spawn' | 'forkserver';
  executable?: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last line of the pre-run report that is a JSON object with a python field. */
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
      ? v.unguarded_process.filter(isObj).map((u) => ({
          line: typeof u.line === 'number' ? u.line : 0,
          call: typeof u.call === 'string' ? u.call : 'Process',
        }))
      : [];
    const tooOld = v.too_old === true || (version !== undefined && isTooOld(version));
    const method =
      v.start_method === 'fork' || v.start_method === 'spawn' || v.start_method === 'forkserver'
        ? v.start_method
        : undefined;
    return {
      python: v.python,
      version,
      too_old: tooOld,
      syntax_error: syntax,
      unguarded_process: unguarded,
      start_method: method,
      executable: typeof v.executable === 'string' ? v.executable : undefined,
    };
  }
  return undefined;
}

export interface ExplainContext {
  /** What was run, as the user knows it ("python3", "/usr/bin/python3.12"). */
  python: string;
  /** The user's file or display name, for error locations. */
  file: string;
  toUser(line: number, column?: number): { line: number; column?: number };
}

/**
 * Turns the pre-run report into the error that stopped the run (the launcher ran nothing then), or null
 * when the program ran. The launcher decides; this explains.
 */
export function explainCheck(result: CheckResult | undefined, ctx: ExplainContext): RunError | null {
  if (!result) {
    return {
      code: 'python-missing',
      message: `"${ctx.python}" did not behave like a Python interpreter (its version check printed nothing usable).`,
      hint: `Choose a Python ${MIN_PYTHON_TEXT} or newer interpreter (Python: Select Interpreter, or the concurrencyLab.pythonPath setting).`,
    };
  }
  if (result.too_old) {
    const v = result.version ? result.version.slice(0, 3).join('.') : result.python;
    return {
      code: 'python-too-old',
      message: `"${ctx.python}" is Python ${v}; Concurrency Lab needs Python ${MIN_PYTHON_TEXT} or newer.`,
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
    const method = result.start_method;
    if (method !== undefined && method !== 'fork') {
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
