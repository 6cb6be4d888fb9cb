// What a fresh Debian machine lacks before VS Code can be tested or started here: Chromium (the window),
// the Kerberos headers (code-server's `kerberos` native module compiles against them) and ripgrep (its
// @vscode/ripgrep install step downloads rg from GitHub, which these machines cannot reach).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep'];
// The version code-server 4.100.3 pins; its downloader looks for the archive in this cache folder.
const VSCODE_RIPGREP_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';

/** Absolute path of an executable on PATH, or undefined. */
export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function hasKerberosHeaders() {
  return ['/usr/include/krb5.h', '/usr/include/gssapi/gssapi.h'].every((p) => existsSync(p));
}

function missingPackages({ forInstall }) {
  const missing = [];
  if (!chromiumPath()) missing.push('chromium');
  if (forInstall && !hasKerberosHeaders()) missing.push('libkrb5-dev');
  if (forInstall && !which('rg')) missing.push('ripgrep');
  return missing;
}

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || which('chromium') || which('chromium-browser');
}

export const APT_COMMAND = `sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`;

/**
 * Installs the Debian packages that are missing when running as root; otherwise throws with the one
 * command to run. `forInstall` adds what only the code-server install needs.
 */
export function ensureSystemPackages({ forInstall = false, log = console.error } = {}) {
  const missing = missingPackages({ forInstall });
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(`Missing system packages: ${missing.join(', ')}. Install them with:\n  ${APT_COMMAND}`);
  }
  log(`Installing system packages: ${missing.join(' ')} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  const still = missingPackages({ forInstall });
  if (still.length > 0) throw new Error(`apt-get finished but still missing: ${still.join(', ')}`);
}

function ripgrepTarget() {
  if (process.platform !== 'linux') return undefined;
  if (process.arch === 'x64') return 'x86_64-unknown-linux-musl';
  if (process.arch === 'arm64') return 'aarch64-unknown-linux-musl';
  return undefined;
}

/**
 * Puts the system rg where @vscode/ripgrep looks before downloading, so code-server installs offline.
 * Returns the archive path, or undefined when this platform needs no seeding.
 */
export function seedRipgrepCache() {
  const target = ripgrepTarget();
  const rg = which('rg');
  if (!target || !rg) return undefined;
  const cacheDir = join(tmpdir(), `vscode-ripgrep-cache-${VSCODE_RIPGREP_VERSION}`);
  const archive = join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${target}.tar.gz`);
  if (existsSync(archive)) return archive;
  const staging = join(tmpdir(), 'concurrency-lab-rg');
  mkdirSync(staging, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(rg, join(staging, 'rg'));
  chmodSync(join(staging, 'rg'), 0o755);
  const r = spawnSync('tar', ['czf', archive, '-C', staging, 'rg'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`could not write ${archive}`);
  return archive;
}
