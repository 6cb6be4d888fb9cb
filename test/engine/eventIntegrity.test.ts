// Event lines the user's program makes huge arrive bounded (the tracer truncates and marks program
// strings: see test/python/test_io_integrity.py), so none is dropped by the reader's line limit.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { run } from './engineHelpers';

void test('a 1M-character thread name and a 5M-character print line keep their lane and output line', async () => {
  const r = await run(
    'import threading\n' +
      't = threading.Thread(target=print, args=("p" * 5_000_000,), name="\\u00e9" * 1_000_000)\n' +
      't.start()\nt.join()\nprint("done")\n',
  );
  assert.equal(r.model.error, null, JSON.stringify(r.model.error));
  assert.equal(r.stdout.length, 5_000_000 + 1 + 5, 'the program prints everything, untouched');
  assert.ok(
    r.model.lanes.some((l) => l.kind === 'thread' && l.name.startsWith('ééé')),
    'the thread has its lane',
  );
  assert.ok(
    r.model.output.some((o) => o.text.startsWith('ppp')),
    'the long line is in the output pane',
  );
  assert.equal(r.model.stats.unreadableLines, undefined, 'every line was readable');
});

void test('a copy of text with a latin-1 encoding cookie runs with the text the editor shows', async () => {
  const r = await run('# -*- coding: latin-1 -*-\nword = "café"\nprint(ascii(word), len(word))\n');
  assert.equal(r.model.error, null, JSON.stringify(r.model.error));
  assert.equal(r.stdout, "'caf\\xe9' 4\n");
});
