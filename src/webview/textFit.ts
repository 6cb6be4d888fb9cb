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

const ELLIPSIS = '…';
/** Enough for every lane name in a few fonts; dropped whole beyond it (lane names rarely change). */
const MAX_CACHED = 4000;

export class TextFitter {
  private readonly widths = new Map<string, number>();

  /** Width of `text` in the context's current font (CSS px). */
  width(ctx: TextMeasurer, text: string): number {
    const key = `${ctx.font}\n${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      if (this.widths.size >= MAX_CACHED) this.widths.clear();
      w = ctx.measureText(text).width;
      this.widths.set(key, w);
    }
    return w;
  }

  /** `text` if it fits in `room` px, else its longest prefix that fits with '…' after it ('' if none does). */
  fit(ctx: TextMeasurer, text: string, room: number): string {
    if (this.width(ctx, text) <= room) return text;
    // Binary search on the prefix length: the widths of prefixes grow with their length.
    let lo = 0;
    let hi = text.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.width(ctx, text.slice(0, mid).trimEnd() + ELLIPSIS) <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0 ? '' : text.slice(0, lo).trimEnd() + ELLIPSIS;
  }

  /**
   * Like fit, but a name whose number would be cut off (ForkPoolWorker-3, ThreadPoolExecutor-0_1) keeps its
   * tail from a word start instead ("…Worker-3"): names that differ only there must still read apart.
   */
  fitKeepingTail(ctx: TextMeasurer, text: string, room: number): string {
    const head = this.fit(ctx, text, room);
    if (head === text || !/\d/.test(text.slice(Math.max(0, head.length - ELLIPSIS.length)))) return head;
    for (let i = 1; i < text.length; i++) {
      if (!isWordStart(text, i)) continue;
      const tail = ELLIPSIS + text.slice(i).trimStart();
      if (this.width(ctx, tail) <= room) return tail;
    }
    return head;
  }

  /**
   * Like fit, but a name ending in a number keeps that number after the ellipsis ("task_job()…-2" for
   * "task_job() · Task-2"): its head says what it is, the number which one.
   */
  fitKeepingNumber(ctx: TextMeasurer, text: string, room: number): string {
    const head = this.fit(ctx, text, room);
    const number = /[-_]?\d+(?:_\d+)*$/.exec(text)?.[0];
    if (head === text || number === undefined) return head;
    const at = (n: number): string => text.slice(0, n).replace(/[\s·›\-_]+$/, '') + ELLIPSIS + number;
    let lo = 0;
    let hi = text.length - number.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.width(ctx, at(mid)) <= room) lo = mid;
      else hi = mid - 1;
    }
    return lo > 0 && this.width(ctx, at(lo)) <= room ? at(lo) : head;
  }
}

/** Where a word starts inside a name: after a separator, or a capital after a small letter (PoolWorker). */
function isWordStart(text: string, i: number): boolean {
  const prev = text[i - 1];
  const c = text[i];
  if (/[\s\-_.(›·]/.test(prev)) return !/[\s)]/.test(c);
  return /[A-Z]/.test(c) && /[a-z]/.test(prev);
}
