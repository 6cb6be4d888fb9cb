/**
 * Text that must fit a width on the canvas (lane names in the label column): cut with an ellipsis,
 * never squeezed. Widths are measured once per font and text, since the same names are drawn every
 * frame.
 */

/** What the fitter needs of a canvas context (a stand-in in unit tests). */
export interface TextMeasurer {
  font: string;
  measureText(text: string): { width: number };
}

/**
 * A context's font, set through here and remembered, for a frame that fits hundreds of labels: reading
 * `ctx.font` back serialises the font (as costly as a measureText in Chromium, 3–6 µs) and setting a
 * different one parses it, so the fitters read the font from here, and setting the font it already has
 * costs nothing. Whatever sets the context's font behind its back (save/restore, other drawing code) must
 * be followed by `sync()`.
 */
export class FontPen implements TextMeasurer {
  private current: string;

  /** Sets the context's font to `font`. */
  constructor(
    private readonly ctx: TextMeasurer,
    font: string,
  ) {
    ctx.font = font;
    this.current = font;
  }

  get font(): string {
    return this.current;
  }

  set font(font: string) {
    if (font === this.current) return;
    this.ctx.font = font;
    this.current = font;
  }

  measureText(text: string): { width: number } {
    return this.ctx.measureText(text);
  }

  /** Reads the context's font again (after a restore(), or code that set it directly). */
  sync(): void {
    this.current = this.ctx.font;
  }
}

const ELLIPSIS = '…';
/** Enough for every lane name in a few fonts; dropped whole beyond it (lane names rarely change). */
const MAX_CACHED = 4000;

export class TextFitter {
  /** Widths by font, then text. */
  private readonly widths = new Map<string, Map<string, number>>();
  private cached = 0;

  /** Width of `text` in the context's current font (CSS px). */
  width(ctx: TextMeasurer, text: string): number {
    return this.measure(ctx, this.fontTable(ctx), text);
  }

  /**
   * A measure of numbers ("12 ", "3–7") in the context's current font, summed from their characters' widths
   * (UI fonts draw digits at one width, without kerning). A busy lane's prints each carry a different
   * number, so measuring each whole one (~400 measureText calls in a frame near Fit) cost milliseconds.
   */
  numberWidths(ctx: TextMeasurer): (text: string) => number {
    const table = this.fontTable(ctx);
    return (text) => {
      let w = 0;
      for (const ch of text) w += this.measure(ctx, table, ch);
      return w;
    };
  }

  /** `text` if it fits in `room` px, else its longest prefix that fits with '…' after it ('' if none does). */
  fit(ctx: TextMeasurer, text: string, room: number): string {
    return this.fitIn(ctx, this.fontTable(ctx), text, room);
  }

  /**
   * The widths of the context's current font. Read once per call, not per width: reading ctx.font
   * serialises the font each time (3–4 µs in Chromium here), and a busy frame fits ~400 labels.
   */
  private fontTable(ctx: TextMeasurer): Map<string, number> {
    const font = ctx.font;
    let table = this.widths.get(font);
    if (table === undefined) {
      table = new Map();
      this.widths.set(font, table);
    }
    return table;
  }

  private measure(ctx: TextMeasurer, table: Map<string, number>, text: string): number {
    let w = table.get(text);
    if (w === undefined) {
      if (this.cached >= MAX_CACHED) {
        for (const t of this.widths.values()) t.clear();
        this.cached = 0;
      }
      w = ctx.measureText(text).width;
      table.set(text, w);
      this.cached++;
    }
    return w;
  }

  private fitIn(ctx: TextMeasurer, table: Map<string, number>, text: string, room: number): string {
    if (this.measure(ctx, table, text) <= room) return text;
    // Binary search on the prefix length: the widths of prefixes grow with their length.
    let lo = 0;
    let hi = text.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.measure(ctx, table, text.slice(0, mid).trimEnd() + ELLIPSIS) <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0 ? '' : text.slice(0, lo).trimEnd() + ELLIPSIS;
  }

  /**
   * Like fit, but a name whose number would be cut off (ForkPoolWorker-3, ThreadPoolExecutor-0_1) keeps its
   * tail from a word start instead ("…Worker-3"): names that differ only there must still read apart.
   */
  fitKeepingTail(ctx: TextMeasurer, text: string, room: number): string {
    return this.fitTail(ctx, this.fontTable(ctx), text, room);
  }

  private fitTail(ctx: TextMeasurer, table: Map<string, number>, text: string, room: number): string {
    const head = this.fitIn(ctx, table, text, room);
    if (head === text || !/\d/.test(text.slice(Math.max(0, head.length - ELLIPSIS.length)))) return head;
    // The tail kept must still show the number's last digit: "seed 1000000001 (racy)" beside "…0 (racy)"
    // differs there, not in "(racy)". A word start if one fits, else the longest end that does ("…01 (racy)").
    let last = text.length - 1;
    while (last > 0 && !/\d/.test(text[last])) last--;
    for (const anywhere of [false, true])
      for (let i = 1; i <= last; i++) {
        if (!anywhere && !isWordStart(text, i)) continue;
        const tail = ELLIPSIS + text.slice(i).trimStart();
        if (this.measure(ctx, table, tail) <= room) return tail;
      }
    return head;
  }

  /**
   * `head…tail` in `room`, as much of `head` as fits (at least `minHead` characters) before the whole `tail`
   * ("downl…mirror-1" for download() and mirror-1); else the tail alone, cut as fitKeepingTail cuts.
   */
  fitHeadAndTail(ctx: TextMeasurer, head: string, tail: string, room: number, minHead = 3): string {
    const table = this.fontTable(ctx);
    const at = (n: number): string => head.slice(0, n).trimEnd() + ELLIPSIS + tail;
    if (this.measure(ctx, table, at(minHead)) > room) return this.fitTail(ctx, table, tail, room);
    let lo = minHead;
    let hi = head.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.measure(ctx, table, at(mid)) <= room) lo = mid;
      else hi = mid - 1;
    }
    return at(lo);
  }
}

/** Where a word starts inside a name: after a separator, or a capital after a small letter (PoolWorker). */
function isWordStart(text: string, i: number): boolean {
  const prev = text[i - 1];
  const c = text[i];
  if (/[\s\-_.(›·]/.test(prev)) return !/[\s)]/.test(c);
  return /[A-Z]/.test(c) && /[a-z]/.test(prev);
}
