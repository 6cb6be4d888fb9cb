import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import { Disposable } from '../shared/disposable';
import { interpreterCandidates, isTooOld, MIN_PYTHON_TEXT, type InterpreterOrigin } from '../run/interpreterPolicy';

export type { InterpreterOrigin };

export interface Interpreter {
  /** What we spawn: an absolute path, or a bare command looked up on PATH. */
  command: string;
  origin: InterpreterOrigin;
  /** "3.12.1", or undefined when the probe failed. */
  version?: string;
  /** sys.executable as the interpreter reports it. */
  executable?: string;
  /** Why the probe failed ("not found", "Python 2.7.18 is too old"), when it did. */
  problem?: string;
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * Chooses the interpreter: `concurrencyLab.pythonPath` when set, else the Python extension's active
 * environment when that extension is installed, else python3/python on PATH; then asks it for its version.
 * Probes run asynchronously and are cached per command, so the status bar never blocks the host.
 */
export class InterpreterService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly probes = new Map<string, Promise<Interpreter>>();
  private pythonApi: Promise<PythonExtension | undefined> | undefined;
  /** src/tracer/probe.py as shipped: prints the interpreter's version and executable. */
  private readonly probeFile: string;

  /** `tracerDir`: the shipped tracer folder (dist/tracer), which holds probe.py. */
  constructor(tracerDir: string) {
    super();
    this.probeFile = join(tracerDir, 'probe.py');
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('concurrencyLab.pythonPath')) {
          this.probes.clear();
          this.changed.fire();
        }
      }),
    );
    this.register(
      vscode.extensions.onDidChange(() => {
        this.pythonApi = undefined;
        this.changed.fire();
      }),
    );
  }

  /** True when the Python extension is installed (its picker is then the one to use). */
  hasPythonExtension(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
  }

  async resolve(resource?: vscode.Uri): Promise<Interpreter> {
    const setting = expandHome(
      vscode.workspace.getConfiguration('concurrencyLab', resource).get<string>('pythonPath', '').trim(),
    );
    const pythonExtension = setting ? undefined : await this.fromPythonExtension(resource);
    const candidates = interpreterCandidates({ setting, pythonExtension });
    let first: Interpreter | undefined;
    for (const c of candidates) {
      const probed = await this.probe(c.command, c.origin);
      if (!probed.problem) return probed;
      first ??= probed;
    }
    return first ?? this.probe('python3', 'path');
  }

  /** Asks `command` for its version now, uncached (an interpreter the user is choosing). */
  probeCommand(command: string): Promise<Interpreter> {
    return probeInterpreter(command, 'setting', this.probeFile);
  }

  /** Forget cached probes (after the user picked another interpreter). */
  refresh(): void {
    this.probes.clear();
    this.changed.fire();
  }

  private async fromPythonExtension(resource?: vscode.Uri): Promise<string | undefined> {
    if (!this.hasPythonExtension()) return undefined;
    try {
      this.pythonApi ??= PythonExtension.api().then(
        (api) => {
          this.register(api.environments.onDidChangeActiveEnvironmentPath(() => this.changed.fire()));
          return api;
        },
        () => undefined,
      );
      const api = await this.pythonApi;
      if (!api) return undefined;
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      return resolved?.executable.uri?.fsPath ?? active.path;
    } catch {
      return undefined;
    }
  }

  private probe(command: string, origin: InterpreterOrigin): Promise<Interpreter> {
    const key = `${origin}:${command}`;
    let p = this.probes.get(key);
    if (!p) {
      p = probeInterpreter(command, origin, this.probeFile);
      this.probes.set(key, p);
      // A missing interpreter may be installed later: don't cache failures for long.
      void p.then((r) => {
        if (r.problem) setTimeout(() => this.probes.delete(key), 10_000);
      });
    }
    return p;
  }
}

function expandHome(p: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home && (p === '~' || p.startsWith('~/')) ? home + p.slice(1) : p;
}

function probeInterpreter(command: string, origin: InterpreterOrigin, probeFile: string): Promise<Interpreter> {
  return new Promise((resolve) => {
    execFile(command, [probeFile], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const problem =
          code === 'ENOENT'
            ? `"${command}" was not found`
            : `"${command}" could not run (${err.message.split('\n')[0]})`;
        resolve({ command, origin, problem });
        return;
      }
      try {
        const info = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { v: number[]; exe: string };
        const version = info.v.join('.');
        resolve({
          command,
          origin,
          version,
          executable: info.exe,
          problem: isTooOld(info.v)
            ? `Python ${version} is too old: Concurrency Lab needs Python ${MIN_PYTHON_TEXT} or newer`
            : undefined,
        });
      } catch {
        resolve({ command, origin, problem: `"${command}" did not answer like a Python interpreter` });
      }
    });
  });
}

export function describeOrigin(origin: InterpreterOrigin): string {
  switch (origin) {
    case 'python-extension':
      return "the Python extension's selected environment";
    case 'setting':
      return 'the concurrencyLab.pythonPath setting';
    case 'path':
      return 'PATH';
  }
}
