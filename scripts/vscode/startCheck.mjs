// Checks `npm start` the way a user meets it on a machine without desktop VS Code: it prints a URL, that URL
// shows the demos in an Extension Development Host, and Ctrl-C leaves nothing running.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { REPO_ROOT } from './codeServer.mjs';
import { reapOrphans } from './processes.mjs';

function waitFor(what, timeoutMs, start) {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
      timeoutMs,
    );
    start(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Returns { title, seconds } or throws with what went wrong. */
export async function checkStart() {
  const t0 = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'concurrency-lab-start-'));
  mkdirSync(join(dataDir, 'tmp'));
  const child = spawn(process.execPath, ['scripts/start.mjs', '--code-server', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    // code-server's sockets and temp files go with the check
    env: { ...process.env, TMPDIR: join(dataDir, 'tmp') },
  });
  let output = '';
  child.stdout.on('data', (b) => (output += b.toString()));
  child.stderr.on('data', (b) => (output += b.toString()));
  const exited = new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal })));
  let browser;
  try {
    const url = await waitFor('the URL', 180_000, (ok, fail) => {
      const look = () => {
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+/.exec(output);
        if (m) ok(m[0]);
      };
      child.stdout.on('data', look);
      void exited.then((e) =>
        fail(new Error(`npm start exited (${e.code ?? e.signal}) before printing a URL:\n${output}`)),
      );
    });
    browser = await launchBrowser();
    await browser.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await browser.page.waitForFunction(
      () => document.title.includes('[Extension Development Host]') && document.title.includes('demos'),
      undefined,
      {
        timeout: 60_000,
      },
    );
    const title = await browser.page.title();
    await browser.close();
    browser = undefined;
    child.kill('SIGINT');
    const end = await waitFor('npm start to stop after Ctrl-C', 15_000, (ok) => void exited.then(ok));
    if (end.code !== 0) throw new Error(`npm start exited ${end.code ?? end.signal} after Ctrl-C:\n${output}`);
    const left = await reapOrphans([dataDir]);
    if (left.length > 0) throw new Error(`left running after Ctrl-C: ${left.map((p) => p.cmdline).join('; ')}`);
    return { title, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await browser?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await reapOrphans([dataDir]);
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}
