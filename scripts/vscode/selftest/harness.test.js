/* global suite, test */
// Deliberately broken tests: scripts/vscode/selfTest.mjs runs each group (by grep) and checks that the harness
// reports it as the failure it is. Not part of the extension's suite.
const { spawn } = require('node:child_process');

suite('selftest pass-fail', () => {
  test('passes', () => undefined);
  test('fails', () => {
    throw new Error('this failure is expected');
  });
});

suite('selftest crash', () => {
  test('kills the extension host', () => {
    process.kill(process.pid, 'SIGKILL');
  });
});

suite('selftest hang', () => {
  test('never settles', () => new Promise(() => undefined)).timeout(0);
});

suite('selftest orphan', () => {
  test('leaves a process outside every group', () => {
    spawn('sleep', ['600'], { detached: true, stdio: 'ignore' }).unref();
  });
});
