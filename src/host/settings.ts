import * as vscode from 'vscode';
import { clampLimit, RUN_LIMITS, type Limit } from '../run/limits';

export interface RunSettings {
  timeoutMs: number;
  eventCap: number;
  callBudget: number;
  outputCapBytes: number;
  /** undefined: stdin closed. */
  stdin: string | undefined;
  env: Record<string, string>;
}

function num(cfg: vscode.WorkspaceConfiguration, key: keyof typeof RUN_LIMITS): number {
  const limit: Limit = RUN_LIMITS[key];
  return clampLimit(limit, cfg.get<number>(key, limit.default));
}

/** The concurrencyLab.* settings for a run, clamped to sane ranges (settings.json is hand-edited). */
export function readRunSettings(resource?: vscode.Uri): RunSettings {
  const cfg = vscode.workspace.getConfiguration('concurrencyLab', resource);
  const stdin = cfg.get<string>('stdin', '');
  const rawEnv = cfg.get<Record<string, unknown>>('env', {});
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawEnv ?? {}))
    if (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] = v;
  return {
    timeoutMs: num(cfg, 'timeoutSeconds') * 1000,
    eventCap: Math.floor(num(cfg, 'eventCap')),
    callBudget: Math.floor(num(cfg, 'callBudget')),
    outputCapBytes: num(cfg, 'outputCapMB') * 1024 * 1024,
    stdin: stdin ? stdin : undefined,
    env,
  };
}
