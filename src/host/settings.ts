import * as vscode from 'vscode';

export interface RunSettings {
  timeoutMs: number;
  eventCap: number;
  callBudget: number;
  outputCapBytes: number;
  /** undefined: stdin closed. */
  stdin: string | undefined;
  env: Record<string, string>;
}

function num(cfg: vscode.WorkspaceConfiguration, key: string, fallback: number, min: number, max: number): number {
  const v = cfg.get<number>(key, fallback);
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

/** The concurrencyLab.* settings for a run, clamped to sane ranges (settings.json is hand-edited). */
export function readRunSettings(resource?: vscode.Uri): RunSettings {
  const cfg = vscode.workspace.getConfiguration('concurrencyLab', resource);
  const stdin = cfg.get<string>('stdin', '');
  const rawEnv = cfg.get<Record<string, unknown>>('env', {});
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawEnv ?? {})) if (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] = v;
  return {
    timeoutMs: num(cfg, 'timeoutSeconds', 30, 1, 3600) * 1000,
    eventCap: Math.floor(num(cfg, 'eventCap', 200_000, 0, 1e9)),
    callBudget: Math.floor(num(cfg, 'callBudget', 2000, 0, 1e9)),
    outputCapBytes: num(cfg, 'outputCapMB', 10, 1, 1024) * 1024 * 1024,
    stdin: stdin ? stdin : undefined,
    env,
  };
}
