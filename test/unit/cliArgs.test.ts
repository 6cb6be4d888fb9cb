import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs, summarize } from '../../src/cliTrace';
import { buildModel } from '../../src/trace/buildModel';
import { asyncioStream } from './sampleStreams';

void test('trace FILE with every option', () => {
  assert.deepEqual(
    parseArgs([
      'trace',
      'a.py',
      '--timeout',
      '2.5',
      '--python',
      '/p/python3',
      '--json',
      'o.json',
      '--chrome',
      'c.json',
      '--summary',
      '--stdin',
      'x\n',
      '--event-cap',
      '10',
      '--call-budget',
      '0',
      '--output-cap',
      '0.5',
    ]),
    {
      file: 'a.py',
      timeoutS: 2.5,
      python: '/p/python3',
      json: 'o.json',
      chrome: 'c.json',
      summary: true,
      stdin: 'x\n',
      eventCap: 10,
      callBudget: 0,
      outputCapMB: 0.5,
    },
  );
  assert.deepEqual(parseArgs(['trace', 'a.py']), {
    file: 'a.py',
    timeoutS: 30,
    summary: false,
    eventCap: 200_000,
    callBudget: 2000,
    outputCapMB: 10,
  });
});

void test('bad command lines explain themselves', () => {
  const err = (argv: string[]): string => {
    const r = parseArgs(argv);
    assert.ok('error' in r, JSON.stringify(r));
    return r.error;
  };
  assert.match(err([]), /missing command/);
  assert.match(err(['run', 'a.py']), /unknown command "run"/);
  assert.match(err(['trace']), /missing FILE/);
  assert.match(err(['trace', 'a.py', '--timeout']), /--timeout needs a value/);
  assert.match(err(['trace', 'a.py', '--timeout', 'soon']), /--timeout expects a number/);
  assert.match(err(['trace', 'a.py', '--timeout', '0']), /more than 0/);
  assert.match(err(['trace', 'a.py', '--event-cap', '1.5']), /whole number/);
  assert.match(err(['trace', 'a.py', '--output-cap', '0']), /--output-cap must be more than 0/);
  assert.match(err(['trace', 'a.py', '--frobnicate']), /unknown option --frobnicate/);
  assert.match(err(['trace', 'a.py', 'b.py']), /only one FILE/);
  assert.deepEqual(parseArgs(['--help']), { help: true });
});

void test('the summary carries exit code, own/internal counts, events by kind, stdout and error', () => {
  const model = buildModel(asyncioStream().events, {
    exitCode: 1,
    error: { code: 'uncaught-exception', message: 'm' },
  });
  const s = summarize(model, { stdout: 'fetched\n', stderr: '' });
  assert.equal(s.exitCode, 1);
  assert.deepEqual(s.threads, { own: 1, internal: 1 });
  assert.deepEqual(s.tasks, { own: 2, internal: 0 });
  assert.equal((s.eventsByKind as Record<string, number>).print, 1);
  assert.equal(s.stdout, 'fetched\n');
  assert.deepEqual(s.error, { code: 'uncaught-exception', message: 'm' });
});
