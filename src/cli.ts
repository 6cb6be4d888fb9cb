/**
 * concurrency-lab: the engine without VS Code. This file only dispatches; each subcommand has its module:
 *
 *   concurrency-lab trace FILE [options]                   cliTrace.ts (also the top-level --help)
 *   concurrency-lab check FILE [--json] [--fix]            cliCheck.ts
 *   concurrency-lab explore FILE [options]                 cliExplore.ts
 *   concurrency-lab render INPUT --png OUT.png [options]   cliRender.ts
 *
 * cliDefaults.ts finds a Python and the tracer when the command line names none.
 */
import { checkMain } from './cliCheck';
import { defaultPython, defaultTracerDir } from './cliDefaults';
import { exploreMain } from './cliExplore';
import { renderMain } from './cliRender';
import { traceMain } from './cliTrace';

/** Hands the command line to its subcommand's module (cli<Name>.ts); `trace` also answers a bare --help. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'check' && !argv.includes('-h') && !argv.includes('--help')) return checkMain(argv.slice(1));
  if (argv[0] === 'render') return renderMain(argv.slice(1));
  if (argv[0] === 'explore') return exploreMain(argv.slice(1), { python: defaultPython, tracerDir: defaultTracerDir });
  return traceMain(argv);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`concurrency-lab: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 2;
    },
  );
}
