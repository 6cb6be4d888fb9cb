// A real VS Code for tests and `npm start` on machines that reach only npm and Debian: code-server
// (VS Code 1.100.3 on Node 20) installed on first use into the ignored .vscode-test/ folder.
//   node scripts/vscode/codeServer.mjs install   installs it now (CI does this up front)
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, seedRipgrepCache, which } from './system.mjs';
import { killGroup } from './processes.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE_DIR = join(REPO_ROOT, '.vscode-test', 'code-server');
const PACKAGE_DIR = join(CACHE_DIR, 'node_modules', 'code-server');
const ENTRY = join(PACKAGE_DIR, 'out', 'node', 'entry.js');
// Written only after a complete install, so an interrupted one is redone rather than half-used.
const MARKER = join(CACHE_DIR, `installed-${CODE_SERVER_VERSION}`);

function installedOk() {
  // The postinstall links node_modules.asar and builds native modules; without them the server starts
  // but the extension host or terminal dies later, which is much harder to diagnose.
  const vscodeDir = join(PACKAGE_DIR, 'lib', 'vscode');
  return (
    existsSync(ENTRY) &&
    existsSync(join(vscodeDir, 'node_modules.asar')) &&
    existsSync(join(vscodeDir, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node')) &&
    existsSync(join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))
  );
}

function runLogged(cmd, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (e) => {
      out.end(`\n${e.message}\n`);
      resolvePromise(1);
    });
    child.on('close', (code) => {
      out.end();
      resolvePromise(code ?? 1);
    });
  });
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e instanceof Error && 'code' in e && e.code === 'EPERM';
  }
}

/** Serialises installs: `npm start` and a test run, or two test runs, may both find no install. */
async function withInstallLock(fn, log) {
  const lock = `${CACHE_DIR}.lock`;
  const pidFile = join(lock, 'pid');
  mkdirSync(dirname(lock), { recursive: true });
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(pidFile, String(process.pid));
      break;
    } catch (e) {
      if (!(e instanceof Error && 'code' in e && e.code === 'EEXIST')) throw e;
      const owner = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
      const age = Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if ((owner && !alive(owner)) || (!owner && age > 60_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!said) log(`Waiting for another process (pid ${owner || '?'}) to finish installing code-server…`);
      said = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs code-server on first use; returns the path of its Node entry script. */
export async function ensureCodeServer({ log = console.error } = {}) {
  if (existsSync(MARKER) && installedOk()) return ENTRY;
  return withInstallLock(() => (existsSync(MARKER) && installedOk() ? ENTRY : install(log)), log);
}

async function install(log) {
  ensureSystemPackages({ forInstall: true, log });
  seedRipgrepCache();
  mkdirSync(CACHE_DIR, { recursive: true });
  // npm 11 runs dependency install scripts only when the installing project allows them, and refuses
  // --allow-scripts in a project install: this throwaway project allows exactly the two that need it.
  writeFileSync(
    join(CACHE_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'concurrency-lab-code-server-cache',
        private: true,
        allowScripts: { 'code-server': true, argon2: true },
        dependencies: { 'code-server': CODE_SERVER_VERSION },
      },
      null,
      2,
    ) + '\n',
  );
  const logFile = join(CACHE_DIR, 'install.log');
  rmSync(logFile, { force: true });
  log(
    `Installing code-server ${CODE_SERVER_VERSION} into ${CACHE_DIR} (first use only, about 1-2 minutes; log: ${logFile})…`,
  );
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  …still installing code-server (${Math.round((Date.now() - started) / 1000)} s)`),
    20000,
  );
  const env = {
    ...process.env,
    // its postinstall calls `npx node-gyp`, which would otherwise wait at a prompt
    npm_config_yes: 'true',
    // its postinstall refuses to run as root unless this is set
    npm_config_unsafe_perm: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const npm = which('npm') ?? 'npm';
  const code = await runLogged(npm, ['install', '--no-package-lock'], { cwd: CACHE_DIR, env, logFile });
  clearInterval(ticker);
  if (code !== 0 || !installedOk()) {
    throw new Error(`code-server install failed (npm exit ${code}). Last lines of ${logFile}:\n${tail(logFile, 30)}`);
  }
  writeFileSync(MARKER, new Date().toISOString() + '\n');
  log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return ENTRY;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolvePromise(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
};

/**
 * Starts code-server detached in its own process group and waits until it listens.
 * trust: false seeds "workspace trust off"; true leaves trust on (tests of the untrusted path).
 * dataDir: keep user data and extensions there (npm start); default is a fresh temp folder removed on stop.
 * port: listen there instead of on a free port.
 * Returns { url, port, pid, dataDir, logFile, stop() }.
 */
export async function startCodeServer({
  trust = false,
  env = {},
  dataDir,
  port: wantedPort,
  settings = {},
  log = console.error,
  startupTimeoutMs = 60000,
} = {}) {
  const entry = await ensureCodeServer({ log });
  const fresh = !dataDir;
  const root = dataDir ?? mkdtempSync(join(tmpdir(), 'concurrency-lab-vscode-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const config = join(root, 'config.yaml');
  writeFileSync(config, '');
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  const existing = existsSync(settingsFile) && !fresh ? JSON.parse(readFileSync(settingsFile, 'utf8') || '{}') : {};
  writeFileSync(
    settingsFile,
    JSON.stringify({ ...BASE_SETTINGS, ...existing, 'security.workspace.trust.enabled': trust, ...settings }, null, 2) +
      '\n',
  );
  const logFile = join(root, 'code-server.log');
  const port = wantedPort ?? (await freePort());
  const args = [
    entry,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(trust ? [] : ['--disable-workspace-trust']),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Variables given here reach the extension host (results file, bridge address, test filters).
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
  });
  const logStream = createWriteStream(logFile);
  let output = '';
  let stopped = false;
  const exited = new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal })));

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child.pid, exited);
    logStream.end();
    if (fresh) rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };

  const listening = new Promise((resolvePromise, reject) => {
    const onData = (b) => {
      logStream.write(b);
      output = (output + b.toString()).slice(-20000);
      if (output.includes('HTTP server listening')) resolvePromise();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    void exited.then(({ code, signal }) =>
      reject(new Error(`code-server exited early (${code ?? signal}):\n${output}`)),
    );
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`code-server did not listen within ${startupTimeoutMs} ms:\n${output}`)),
      startupTimeoutMs,
    );
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    dataDir: root,
    logFile,
    exited,
    output: () => output,
    stop,
  };
}

/** The workbench URL that opens folder and runs extensionTestsPath with this repo as the development extension. */
export function workbenchUrl(serverUrl, port, { folder, extensionTestsPath }) {
  // Plain paths would be read as file:// URIs, which the web workbench cannot launch.
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(REPO_ROOT)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const where = folder ? `folder=${encodeURIComponent(folder)}&` : '';
  return `${serverUrl}/?${where}payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'install') {
    try {
      await ensureCodeServer();
      console.log(`code-server ${CODE_SERVER_VERSION} ready in ${CACHE_DIR}`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    }
  } else {
    console.error('usage: node scripts/vscode/codeServer.mjs install');
    process.exit(2);
  }
}
