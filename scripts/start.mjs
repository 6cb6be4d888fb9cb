#!/usr/bin/env node
// `npm start`: build, then open the extension in a real VS Code on the folder of demo programs.
// Desktop VS Code (`code --extensionDevelopmentPath`) when one is on PATH and a display exists; otherwise a
// local code-server on 127.0.0.1 (installed on first use into .vscode-test/), printing the URL to open.
// Ctrl-C stops what this started.
//   npm start -- --code-server      always use code-server
//   npm start -- --port 8080        code-server on that port (default: a free one)
//   npm start -- --data-dir <dir>   code-server user data there (default .vscode-test/start)
//   npm start -- <folder>           open another folder
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CODE_SERVER_VERSION, REPO_ROOT, startCodeServer, workbenchUrl } from './vscode/codeServer.mjs';
import { which } from './vscode/system.mjs';

const args = process.argv.slice(2);
const forceCodeServer = args.includes('--code-server');
function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const port = option('--port') ? Number(option('--port')) : undefined;
const dataDir = resolve(option('--data-dir') ?? join(REPO_ROOT, '.vscode-test', 'start'));
const positional = args.filter((a, i) => !a.startsWith('--') && !['--port', '--data-dir'].includes(args[i - 1]));

function demoFolder() {
  if (positional[0]) return resolve(positional[0]);
  const demos = join(REPO_ROOT, 'media', 'demos');
  if (existsSync(demos) && readdirSync(demos).some((f) => f.endsWith('.py'))) return demos;
  return join(REPO_ROOT, 'test', 'fixtures', 'workspace');
}

/** A desktop VS Code CLI, not code-server's remote CLI (which is also called `code`). */
function desktopCode() {
  if (forceCodeServer) return undefined;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const code = which('code');
  if (!code) return undefined;
  const real = realpathSync(code);
  return /code-server|remote-cli/.test(real) ? undefined : code;
}

function build() {
  console.log('Building the extension…');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('Build failed.');
    process.exit(r.status ?? 1);
  }
}

async function openInCodeServer(folder) {
  const server = await startCodeServer({ dataDir, port });
  const url = workbenchUrl(server.url, server.port, { folder });
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping code-server…`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  console.log(`
Python Concurrency Lab is running in code-server ${CODE_SERVER_VERSION} on ${folder}.
Open this URL in a browser on this machine (from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <host>):

  ${url}

The extension is loaded from ${REPO_ROOT} (rebuild with \`npm run build\` and reload the window).
Press Ctrl-C to stop.`);
  const { code, signal } = await server.exited;
  if (!stopping) {
    console.error(`code-server exited (${code ?? signal}); its log: ${server.logFile}`);
    process.exit(1);
  }
}

build();
const folder = demoFolder();
const code = desktopCode();
if (code) {
  console.log(`Opening ${folder} in VS Code (${code}) with the extension in development mode…`);
  const child = spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, folder], { stdio: 'inherit' });
  child.on('exit', (status) => process.exit(status ?? 0));
} else {
  try {
    await openInCodeServer(folder);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
