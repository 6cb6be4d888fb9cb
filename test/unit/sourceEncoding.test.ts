import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { asUtf8Source } from '../../src/run/sourceEncoding';

void test('a non-UTF-8 encoding cookie on line 1 or 2 of the copy names utf-8; nothing else changes', () => {
  assert.equal(asUtf8Source('# -*- coding: latin-1 -*-\ns = "café"\n'), '# -*- coding: utf-8 -*-\ns = "café"\n');
  assert.equal(
    asUtf8Source('#!/usr/bin/env python3\n# vim: set fileencoding=cp1252 :\nx = 1\n'),
    '#!/usr/bin/env python3\n# vim: set fileencoding=utf-8 :\nx = 1\n',
  );
  assert.equal(asUtf8Source('\n# coding=iso-8859-15\n'), '\n# coding=utf-8\n');
  assert.equal(asUtf8Source('\uFEFF# coding: latin-1\nx\n'), '\uFEFF# coding: utf-8\nx\n');
});

void test('cookies Python would not read, and UTF-8 ones, are left alone', () => {
  for (const text of [
    'x = 1\n# coding: latin-1\n', // line 2 counts only after a comment or blank line 1
    '#\n#\n# coding: latin-1\n', // line 3
    '# coding: utf-8\n',
    '# coding: UTF_8\n',
    '# -*- coding: utf-8-unix -*-\n',
    's = "# coding: latin-1"\n',
    '',
  ]) {
    assert.equal(asUtf8Source(text), text, JSON.stringify(text));
  }
});
