// One pass of the integration suite inside code-server: server + Chromium + the mocha entry, raced against
// a timeout, everything stopped afterwards and checked for survivors.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { startBridge } from './bridge.mjs';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { reapOrphans } from './processes.mjs';
import { judge, readResults } from './results.mjs';

const NO_HOST = 'No extension host found';

async function consoleText(msg) {
  const values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => String(a))));
  if (values.length === 0) return msg.text();
  // Extension-host output arrives as ('%c INFO', style, fmt, ...args): drop the styled prefix's %c and its
  // style arguments, then format the rest as console.log would have.
  if (typeof values[0] === 'string' && values[0].includes('%c')) {
    const styles = values[0].split('%c').length - 1;
    const rest = values.slice(1 + styles);
    return `${values[0].replaceAll('%c', '').trim()} ${rest.length > 0 ? format(...rest) : ''}`;
  }
  return format(...values);
}

// Console lines worth showing without VERBOSE: mocha's progress and anything naming this extension.
function interesting(text) {
  return (
    /^(INFO|ERR|WARN)?\s*(✔|✓|\d+\) |\d+ passing|\d+ failing|\d+ pending)/.test(text.trim()) ||
    /concurrency.?lab/i.test(text) ||
    text.includes(NO_HOST)
  );
}

/** Waits for the workbench to report the test entry's outcome; never longer than timeoutMs. */
async function drive(page, server, url, { timeoutMs, verbose, log }) {
  let settle;
  const outcome = new Promise((resolve) => {
    settle = resolve;
  });
  await page.exposeFunction('codeAutomationExit', (code) => settle({ code: Number(code) }));
  await page.exposeFunction('codeAutomationLog', (level, message) => {
    // The same lines reach the console too; only errors are worth a second copy.
    if (level === 'error') log(`[workbench ${String(level)}] ${String(message)}`);
  });
  page.on('console', (msg) => {
    void consoleText(msg).then((text) => {
      if (text.includes(NO_HOST)) settle({ code: 1, reason: `the workbench could not launch the tests: ${text}` });
      if (verbose || interesting(text)) log(text);
    });
  });
  page.on('pageerror', (e) => verbose && log(`[page error] ${e.message}`));
  void server.exited.then(({ code, signal }) =>
    settle({ code: 1, reason: `code-server exited (${code ?? signal}) during the run` }),
  );
  const timer = setTimeout(() => settle({ code: 1, reason: `timed out after ${timeoutMs / 1000} s` }), timeoutMs);
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    return await outcome;
  } catch (e) {
    return { code: 1, reason: `could not load the workbench: ${e instanceof Error ? e.message : e}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one suite ('trusted', 'untrusted', …) in `folder` (undefined: a window with no folder) and returns { passed, failed, problems: string[], tests }.
 * problems are harness-level failures (timeout, no results, leftovers); each counts as one failed test.
 * env: more variables for code-server and so the extension host.
 */
export async function runSuite({
  suite,
  folder,
  extensionTestsPath,
  timeoutMs,
  grep,
  env = {},
  verbose = false,
  log = console.log,
}) {
  const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-it-'));
  const resultsFile = join(work, 'results.json');
  // Temp files of code-server, the extension and the programs it runs land here and go with the run.
  const runTmp = join(work, 'tmp');
  mkdirSync(runTmp);
  const bridge = await startBridge({ log: verbose ? log : () => undefined });
  const problems = [];
  let server;
  let browser;
  let outcome = { code: 1, reason: 'not started' };
  try {
    server = await startCodeServer({
      trust: suite === 'untrusted',
      env: {
        CONCURRENCY_LAB_TEST_RESULTS: resultsFile,
        CONCURRENCY_LAB_TEST_SUITE: suite,
        TMPDIR: runTmp,
        ...(grep ? { CONCURRENCY_LAB_TEST_GREP: grep } : {}),
        ...bridge.env,
        ...env,
      },
      log,
    });
    browser = await launchBrowser();
    bridge.attach(browser.page);
    const url = workbenchUrl(server.url, server.port, { folder, extensionTestsPath });
    log(`[${suite}] code-server ${server.url} (pid ${server.pid}), workspace ${folder ?? '(no folder)'}`);
    outcome = await drive(browser.page, server, url, { timeoutMs, verbose, log });
  } catch (e) {
    outcome = { code: 1, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    await browser?.close();
    if (server && outcome.reason && !verbose)
      log(
        `[${suite}] code-server log tail:\n${server
          .output()
          .split('\n')
          .filter((l) => l.trim())
          .slice(-15)
          .join('\n')}`,
      );
    await server?.stop();
    await bridge.close();
  }
  // Everything the run started inherits the results path in its environment (Pythons the extension spawned
  // in their own process groups too), and Chromium runs from its own profile folder.
  const survivors = await reapOrphans([work, browser?.profileDir, server?.dataDir]);
  if (survivors.length > 0) {
    problems.push(
      `${survivors.length} process(es) outlived the run and were killed:\n${survivors.map((p) => `  ${p.pid} ${p.cmdline.slice(0, 200)}`).join('\n')}`,
    );
  }
  const results = readResults(resultsFile);
  rmSync(work, { recursive: true, force: true });
  problems.push(...judge(results, outcome));
  return { passed: results?.passed ?? 0, failed: results?.failed ?? 0, tests: results?.tests ?? [], problems };
}
