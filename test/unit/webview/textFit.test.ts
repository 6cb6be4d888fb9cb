import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FontPen, TextFitter, type TextMeasurer } from '../../../src/webview/textFit';

/** A stand-in canvas: every character is 7 px wide in '11px' and 8 px in '600 11px'; counts measurements. */
function measurer(): TextMeasurer & { calls: number } {
  const m = {
    font: '11px x',
    calls: 0,
    measureText(text: string) {
      m.calls++;
      return { width: [...text].length * (m.font.startsWith('600') ? 8 : 7) };
    },
  };
  return m;
}

test('text that fits is kept whole; text that does not is cut with an ellipsis within the room', () => {
  const ctx = measurer();
  const f = new TextFitter();
  assert.equal(f.fit(ctx, 'MainThread', 70), 'MainThread');
  const cut = f.fit(ctx, 'Thread-1 (target_function)', 70);
  assert.equal(cut, 'Thread-1…');
  assert.ok([...cut].length * 7 <= 70);
  // No trailing space before the ellipsis; nothing fits in a tiny room.
  assert.equal(f.fit(ctx, 'ab cdef', 28), 'ab…');
  assert.equal(f.fit(ctx, 'abcdef', 10), '');
});

test('widths are measured once per font and text', () => {
  const ctx = measurer();
  const f = new TextFitter();
  f.fit(ctx, 'Thread-1 (target_function)', 70);
  const first = ctx.calls;
  f.fit(ctx, 'Thread-1 (target_function)', 70);
  assert.equal(ctx.calls, first, 'the second fit measured again');
  ctx.font = '600 11px x';
  assert.equal(f.width(ctx, 'abc'), 24, 'a width cached under another font');
});

test('a numbered name cut short keeps its number from a word start; others keep their head', () => {
  const ctx = measurer();
  const f = new TextFitter();
  // 7 px a character: 70 px holds ten.
  assert.equal(f.fitKeepingTail(ctx, 'ForkPoolWorker-3', 70), '…Worker-3');
  assert.equal(f.fitKeepingTail(ctx, 'ThreadPoolExecutor-0_1', 105), '…Executor-0_1');
  // Whole when it fits; no number cut off: the head, as fit gives it.
  assert.equal(f.fitKeepingTail(ctx, 'MainThread', 70), 'MainThread');
  assert.equal(f.fitKeepingTail(ctx, 'Thread-1 (target_function)', 98), 'Thread-1 (tar…');
  // Two workers that differ only in their number read apart however narrow, down to "…-3".
  assert.notEqual(f.fitKeepingTail(ctx, 'ForkPoolWorker-3', 28), f.fitKeepingTail(ctx, 'ForkPoolWorker-4', 28));
  // Compare's sides differ in their seed's last digit, not in the word after it: that digit stays.
  assert.equal(f.fitKeepingTail(ctx, 'seed 1000000001 (racy)', 70), '…01 (racy)');
  assert.equal(f.fitKeepingTail(ctx, 'seed 1000000001 (racy)', 91), '…00001 (racy)');
});

test("a task's name cut short keeps its coroutine's head and its whole name", () => {
  const ctx = measurer();
  const f = new TextFitter();
  assert.equal(f.fitHeadAndTail(ctx, 'download()', 'mirror-1', 98), 'downl…mirror-1');
  assert.equal(f.fitHeadAndTail(ctx, 'download()', 'Task-3', 98), 'downloa…Task-3');
  // No room for three characters of the coroutine: the name alone, cut as fitKeepingTail cuts it.
  assert.equal(f.fitHeadAndTail(ctx, 'download()', 'ThreadPoolExecutor-0_1', 98), '…Executor-0_1');
});

test("each fit reads the context's font once, not once per width it tries", () => {
  // Reading a canvas context's font serialises it (3–4 µs in Chromium), and a busy frame fits ~400 labels.
  let font = '11px x';
  let reads = 0;
  const ctx: TextMeasurer = {
    get font() {
      reads++;
      return font;
    },
    set font(f: string) {
      font = f;
    },
    measureText: (text: string) => ({ width: [...text].length * 7 }),
  };
  const f = new TextFitter();
  assert.equal(f.fit(ctx, 'a_rather_long_function_name_that_is_cut', 70), 'a_rather_…');
  assert.equal(reads, 1, 'fit');
  reads = 0;
  assert.equal(f.fitKeepingTail(ctx, 'ThreadPoolExecutor-0_12', 70), '…0_12');
  assert.equal(reads, 1, 'fitKeepingTail');
  reads = 0;
  f.fitHeadAndTail(ctx, 'download_everything()', 'mirror-1', 110);
  assert.equal(reads, 1, 'fitHeadAndTail');
  // Another font is measured again, under its own widths.
  font = '600 11px x';
  assert.equal(f.fit(ctx, 'a_rather_long_function_name_that_is_cut', 70), 'a_rather_…');
});

test("numbers are measured from their characters: a frame's many print numbers cost a few measurements", () => {
  const ctx = measurer();
  const f = new TextFitter();
  const width = f.numberWidths(ctx);
  assert.equal(width('12 '), 21);
  assert.equal(width('3–7'), 21);
  for (let n = 100; n < 600; n++) assert.equal(width(`${n}–${n + 9} `), 7 * `${n}–${n + 9} `.length);
  // Ten digits, the dash and the space: each measured once, whatever the numbers.
  assert.ok(ctx.calls <= 12, `measured ${ctx.calls} times`);
  ctx.font = '600 11px x';
  assert.equal(f.numberWidths(ctx)('42'), 16, 'a width cached under another font');
});

test('FontPen: the font is read from the pen, set on the context only when it changes, and synced after a restore', () => {
  let reads = 0;
  let sets = 0;
  let font = '11px x';
  const ctx: TextMeasurer = {
    get font() {
      reads++;
      return font;
    },
    set font(f: string) {
      sets++;
      font = f;
    },
    measureText: (text: string) => ({ width: text.length * (font.startsWith('10px') ? 6 : 7) }),
  };
  const pen = new FontPen(ctx, '10px x');
  assert.equal(font, '10px x', 'the pen sets the font it starts with');
  const fitter = new TextFitter();
  assert.equal(fitter.width(pen, 'abc'), 18);
  pen.font = '10px x';
  pen.font = '10px x';
  assert.equal(sets, 1, 'the same font again is not set again');
  pen.font = '11px x';
  assert.equal(fitter.width(pen, 'abc'), 21, 'widths are kept per font');
  assert.equal(sets, 2);
  assert.equal(reads, 0, 'the context font is never read back while drawing');
  font = '10px x'; // a restore() behind the pen's back
  pen.sync();
  assert.equal(reads, 1);
  assert.equal(pen.font, '10px x');
});
