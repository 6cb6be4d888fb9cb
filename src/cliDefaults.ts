/** Where the command line finds a Python and the tracer's .py files when not told (trace, render, explore). */
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { interpreterCandidates } from './run/interpreterPolicy';

/**
 * python3, then python: the first found on PATH (looked up, not started: a start through a pyenv shim
 * costs ~0.4 s). runTraced reports python-missing for the last one.
 */
export async function defaultPython(): Promise<string> {
  const candidates = interpreterCandidates({});
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const c of candidates) {
    for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
      for (const ext of exts) {
        try {
          await access(join(dir, c.command + ext), fsConstants.X_OK);
          return c.command;
        } catch {
          // not here
        }
      }
    }
  }
  return candidates[candidates.length - 1].command;
}

/** dist/tracer next to the bundle; from a tsc build (out/src/cli.js) the sources in src/tracer. */
export async function defaultTracerDir(): Promise<string> {
  const bundled = join(__dirname, 'tracer');
  try {
    await access(join(bundled, 'launch.py'));
    return bundled;
  } catch {
    return join(__dirname, '..', '..', 'src', 'tracer');
  }
}
