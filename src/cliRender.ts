/**
 * concurrency-lab render INPUT --png OUT.png [--width W] [--height H] [--theme dark|light|hc-dark|hc-light]
 *
 * Exit code: 0 when the picture was written, 2 when not.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs, traceFile } from './cliTrace';
import { exportChromeTrace } from './trace/chromeTrace';
import { parseRenderArgs, readModelFile, RENDER_USAGE, renderToFile } from './render/renderCommand';

/** `render INPUT --png OUT`: a model or trace file drawn as is; a Python file traced first. */
export async function renderMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(RENDER_USAGE);
    return 0;
  }
  const args = parseRenderArgs(argv);
  if ('error' in args) {
    console.error(`concurrency-lab: ${args.error}\n\n${RENDER_USAGE}`);
    return 2;
  }
  try {
    let model = await readModelFile(args.input);
    if (model === undefined) {
      const traceArgs = parseArgs(['trace', args.input, ...args.traceArgs]);
      if (!('file' in traceArgs)) {
        console.error(
          `concurrency-lab: ${'error' in traceArgs ? traceArgs.error : 'bad trace options'}\n\n${RENDER_USAGE}`,
        );
        return 2;
      }
      const run = await traceFile(traceArgs);
      if ('error' in run) throw new Error(run.error);
      model = run.result.model;
      if (traceArgs.json) await writeFile(traceArgs.json, JSON.stringify(model));
      if (traceArgs.chrome) await writeFile(traceArgs.chrome, exportChromeTrace(model));
    }
    await renderToFile(model, args);
    console.error(`concurrency-lab: wrote ${args.png} (${args.width}×${args.height}, ${args.theme})`);
    return 0;
  } catch (e) {
    console.error(`concurrency-lab: cannot render ${args.input}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
