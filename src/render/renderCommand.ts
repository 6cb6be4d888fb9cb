/**
 * `concurrency-lab render INPUT --png OUT.png [--width W] [--height H] [--theme dark|light|hc-dark|hc-light]`.
 * INPUT is a model (`trace --json`), an exported trace (`trace --chrome`, Export Trace…) or a Python
 * file, which is traced first with the `trace` command's defaults.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { TraceModel } from '../shared/traceModel';
import { importChromeTrace } from '../trace/chromeTrace';
import { validateModel } from '../trace/validateModel';
import { DEFAULT_RENDER, renderTimelinePng, type RenderOptions } from './renderTimeline';

export const RENDER_USAGE = `usage: concurrency-lab render INPUT --png OUT.png [--width W] [--height H] [--theme dark|light|hc-dark|hc-light]

Draws the Timeline of INPUT as VS Code shows it in a panel of that size (headless Chromium).
INPUT: a model written by \`trace --json\`, a trace written by \`trace --chrome\` or Export Trace…,
or a Python file (traced first; trace options such as --timeout and --python apply).

options:
  --png OUT          the PNG to write (required)
  --width W          panel width in CSS pixels (default ${DEFAULT_RENDER.width})
  --height H         panel height in CSS pixels (default ${DEFAULT_RENDER.height})
  --theme T          dark (Dark Modern, default), light (Light Modern), hc-dark or hc-light (High Contrast)
  --scale N          device pixels per CSS pixel (default 1)
Chromium: /usr/bin/chromium, or the CHROMIUM_PATH environment variable.`;

export interface RenderArgs extends RenderOptions {
  input: string;
  png: string;
  /** Arguments passed on to `trace` when INPUT is a Python file. */
  traceArgs: string[];
}

const RENDER_FLAGS = new Set(['--png', '--width', '--height', '--theme', '--scale']);

/** argv after the word `render`. */
export function parseRenderArgs(argv: readonly string[]): RenderArgs | { error: string } {
  const out: RenderArgs = { ...DEFAULT_RENDER, scale: 1, input: '', png: '', traceArgs: [] };
  const size = (v: string | undefined, flag: string, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new Error(`${flag} expects a number from ${min} to ${max}, got "${v ?? ''}"`);
    return n;
  };
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (RENDER_FLAGS.has(a)) {
        const v = argv[++i];
        if (v === undefined) throw new Error(`${a} needs a value`);
        if (a === '--png') out.png = v;
        else if (a === '--width') out.width = Math.round(size(v, a, 200, 8000));
        else if (a === '--height') out.height = Math.round(size(v, a, 150, 8000));
        else if (a === '--scale') out.scale = size(v, a, 0.5, 4);
        else if (v === 'dark' || v === 'light' || v === 'hc-dark' || v === 'hc-light') out.theme = v;
        else throw new Error(`--theme expects dark, light, hc-dark or hc-light, got "${v}"`);
      } else if (a.startsWith('-')) {
        // A trace option (validated by the trace command), with its value when it takes one.
        out.traceArgs.push(a);
        if (a !== '--summary' && argv[i + 1] !== undefined) out.traceArgs.push(argv[++i]);
      } else if (out.input) throw new Error(`only one INPUT can be rendered (got "${out.input}" and "${a}")`);
      else out.input = a;
    }
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  if (!out.input) return { error: 'missing INPUT' };
  if (!out.png) return { error: 'missing --png OUT.png' };
  return out;
}

/** A model from a model JSON or an exported trace; undefined for a Python file. */
export async function readModelFile(file: string): Promise<TraceModel | undefined> {
  if (/\.pyw?$/i.test(file)) return undefined;
  const text = await readFile(file, 'utf8');
  const asChrome = importChromeTrace(text);
  if ('model' in asChrome) return asChrome.model;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is neither JSON nor a Python file`);
  }
  const asModel = validateModel(parsed);
  if ('model' in asModel) return asModel.model;
  throw new Error(`${file} is not a Concurrency Lab model or trace: ${asModel.error}`);
}

export async function renderToFile(model: TraceModel, args: RenderArgs): Promise<void> {
  const png = await renderTimelinePng(model, args);
  await writeFile(args.png, png);
}
