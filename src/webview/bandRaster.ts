/**
 * A lane's filled rectangles (span rows, wait bands) for one frame, drawn either as they are or, when
 * there are many, composited per pixel column.
 *
 * Why: near Fit a 100k-event trace puts thousands of rectangles a few pixels wide on the canvas, and
 * Chromium's software canvas pays about a microsecond per drawing operation whatever its size, so a frame
 * cost ~6 ms in fillRect calls alone. Every rectangle here spans whole rows of its band, so a band's
 * picture is one row of pixels repeated: we composite each row in JS (source-over, with the partial
 * coverage the canvas gives a fractional edge, so nothing thinner than a pixel disappears) and draw it as
 * one image row stretched to the band's height: one drawImage per band instead of one fillRect per mark.
 */

/**
 * A lane is composited when it has at least one rectangle per this many device columns of the time area
 * (and DENSE_MIN_RECTS): building the rows costs about as much per column as a fillRect per rectangle
 * costs, so fewer, wider rectangles are cheaper drawn one by one.
 */
const COLUMNS_PER_RECT = 8;
export const DENSE_MIN_RECTS = 48;

/** Colours parsed once: [r, g, b, a] in 0..1. */
const parsed = new Map<string, Float32Array>();

function rgba(ctx: CanvasRenderingContext2D, style: string): Float32Array {
  let c = parsed.get(style);
  if (c !== undefined) return c;
  // The canvas normalises any CSS colour to '#rrggbb' or 'rgba(r, g, b, a)'.
  const saved = ctx.fillStyle;
  ctx.fillStyle = '#000000';
  ctx.fillStyle = style;
  const norm = String(ctx.fillStyle);
  ctx.fillStyle = saved;
  c = new Float32Array(4);
  if (norm.startsWith('#')) {
    const n = parseInt(norm.slice(1, 7), 16);
    c.set([(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255, 1]);
  } else {
    const [r, g, b, a] = norm
      .replace(/[^\d.,]/g, '')
      .split(',')
      .map(Number);
    c.set([r / 255, g / 255, b / 255, a ?? 1]);
  }
  if (parsed.size > 256) parsed.clear();
  parsed.set(style, c);
  return c;
}

export class LaneFills {
  private n = 0;
  private xs = new Float64Array(256);
  private ws = new Float64Array(256);
  private ys = new Float64Array(256);
  private hs = new Float64Array(256);
  private alphas = new Float64Array(256);
  private styles: string[] = [];
  /** A row of pixels per slab (a stretch of rows no rectangle edge crosses), and the same bytes as words. */
  private image: ImageData | null = null;
  private words = new Uint32Array(0);
  /**
   * One small canvas per lane of the frame: writing into a canvas the frame has already drawn from would
   * copy it first (the frame keeps a snapshot until it is rasterised).
   */
  private readonly pool: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D }[] = [];
  private pooled = 0;
  private frames = 0;
  /** Rectangles recorded since the frame began (a test's measure of a frame's work, see TimelineProbe). */
  recorded = 0;

  /** A new frame: its lanes may reuse the canvases of the last one. */
  beginFrame(): void {
    this.pooled = 0;
    this.frames++;
    this.recorded = 0;
  }

  /** Records a rectangle (CSS px), as ctx.fillRect would draw it with this fill style and global alpha. */
  rect(x: number, y: number, w: number, h: number, style: string, alpha: number): void {
    if (this.n === this.xs.length) this.grow();
    this.recorded++;
    const i = this.n++;
    this.xs[i] = x;
    this.ws[i] = w;
    this.ys[i] = y;
    this.hs[i] = h;
    this.alphas[i] = alpha;
    this.styles[i] = style;
  }

  /** Draws what was recorded, in order, into [x0, x1) of the canvas (CSS px), and forgets it. */
  flush(ctx: CanvasRenderingContext2D, x0: number, x1: number): void {
    const columns = (x1 - x0) * (ctx.getTransform().a || 1);
    // Not in the page's first frame: making the lanes' canvases and compiling the loops then cost more
    // (about 50 ms at 100k events) than the fillRects they save, and that frame is what a user waits for.
    if (this.frames > 1 && this.n >= DENSE_MIN_RECTS && this.n * COLUMNS_PER_RECT >= columns)
      this.composite(ctx, x0, x1);
    else {
      // A style or alpha is set only when it changes: setting one costs more than the fillRect (the string
      // crosses into the canvas each time), and a lane's rectangles mostly share both.
      let style = '';
      let alpha = -1;
      for (let i = 0; i < this.n; i++) {
        if (this.styles[i] !== style) ctx.fillStyle = style = this.styles[i];
        if (this.alphas[i] !== alpha) ctx.globalAlpha = alpha = this.alphas[i];
        ctx.fillRect(this.xs[i], this.ys[i], this.ws[i], this.hs[i]);
      }
    }
    ctx.globalAlpha = 1;
    this.n = 0;
  }

  private newCanvas(): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
    const canvas = document.createElement('canvas');
    const c = { canvas, ctx: canvas.getContext('2d') as CanvasRenderingContext2D };
    this.pool.push(c);
    return c;
  }

  private grow(): void {
    const size = this.xs.length * 2;
    for (const k of ['xs', 'ws', 'ys', 'hs', 'alphas'] as const) {
      const a = new Float64Array(size);
      a.set(this[k]);
      this[k] = a;
    }
  }

  private composite(ctx: CanvasRenderingContext2D, x0: number, x1: number): void {
    const n = this.n;
    // Slabs: the rows between consecutive rectangle edges (a span row is one slab, a wait band's
    // patterns make a few).
    const edges = new Set<number>();
    for (let i = 0; i < n; i++) {
      edges.add(this.ys[i]);
      edges.add(this.ys[i] + this.hs[i]);
    }
    const ys = [...edges].sort((a, b) => a - b);
    const slabs = ys.length - 1;
    const dpr = ctx.getTransform().a || 1;
    const c0 = Math.floor(x0 * dpr);
    const cols = Math.ceil(x1 * dpr) - c0;
    if (this.image === null || this.image.width < cols || this.image.height < slabs) {
      this.image = new ImageData(Math.max(cols, this.image?.width ?? 0), Math.max(slabs, this.image?.height ?? 0));
      this.words = new Uint32Array(this.image.data.buffer);
    }
    // (kept all zero between uses: each slab clears the columns it wrote once they are drawn)
    const px = this.image.data;
    const words = this.words;
    const stride = this.image.width;
    const slabOf = new Map(ys.map((y, k) => [y, k]));
    // The columns each slab was written in: [lo, hi). Columns at or past hi are still clear.
    const lo = new Int32Array(slabs).fill(cols);
    const hi = new Int32Array(slabs);
    let style = '';
    let color = rgba(ctx, this.styles[0]);
    let packedAlpha = -1;
    let packed = 0;
    for (let i = 0; i < n; i++) {
      if (this.styles[i] !== style) {
        style = this.styles[i];
        color = rgba(ctx, style);
        packedAlpha = -1;
      }
      const alpha = this.alphas[i] * color[3];
      // Device columns, clipped to the band; partial coverage at fractional ends.
      const a = Math.max(this.xs[i] * dpr - c0, 0);
      const b = Math.min((this.xs[i] + this.ws[i]) * dpr - c0, cols);
      if (b <= a) continue;
      const first = slabOf.get(this.ys[i]) as number;
      const last = (slabOf.get(this.ys[i] + this.hs[i]) as number) - 1;
      const from = Math.floor(a);
      const to = Math.ceil(b);
      // Whole columns [inner, outer); a fractional end is a column of its own, blended with its coverage.
      const inner = Math.min(Math.ceil(a), to);
      const outer = Math.max(Math.floor(b), inner);
      if (outer > inner && packedAlpha !== alpha) {
        packed = pack(color, alpha);
        packedAlpha = alpha;
      }
      for (let s = first; s <= last; s++) {
        const row = s * stride;
        const clear = hi[s];
        if (from < lo[s]) lo[s] = from;
        if (to > clear) hi[s] = to;
        if (from < inner) blend(px, (row + from) * 4, color, alpha * (Math.min(from + 1, b) - a));
        // What the slab has not written yet is clear: a whole column there is the colour itself.
        const fresh = Math.max(inner, Math.min(clear, outer));
        for (let c = inner; c < fresh; c++) blend(px, (row + c) * 4, color, alpha);
        if (outer > fresh) words.fill(packed, row + fresh, row + outer);
        if (outer < to) blend(px, (row + outer) * 4, color, alpha * (b - outer));
      }
    }
    const off = this.pool[this.pooled] ?? this.newCanvas();
    this.pooled++;
    if (off.canvas.width < cols || off.canvas.height < slabs) {
      off.canvas.width = Math.max(cols, off.canvas.width);
      off.canvas.height = Math.max(slabs, off.canvas.height);
    }
    off.ctx.putImageData(this.image, 0, 0, 0, 0, cols, slabs);
    for (let s = 0; s < slabs; s++) if (hi[s] > lo[s]) words.fill(0, s * stride + lo[s], s * stride + hi[s]);
    const smoothing = ctx.imageSmoothingEnabled;
    // Stretched only vertically, each source row repeated: no blending with the row next to it.
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = 1;
    for (let s = 0; s < slabs; s++) {
      const w = hi[s] - lo[s];
      if (w <= 0) continue;
      ctx.drawImage(off.canvas, lo[s], s, w, 1, (c0 + lo[s]) / dpr, ys[s], w / dpr, ys[s + 1] - ys[s]);
    }
    ctx.imageSmoothingEnabled = smoothing;
  }
}

/** Four bytes as one word of the image, in the platform's byte order (the image's bytes are RGBA). */
const packBytes = new Uint8ClampedArray(4);
const packWord = new Uint32Array(packBytes.buffer);

/** `color` at `alpha` as one pixel of ImageData (not premultiplied; the clamped bytes round to nearest). */
function pack(color: Float32Array, alpha: number): number {
  packBytes[0] = color[0] * 255;
  packBytes[1] = color[1] * 255;
  packBytes[2] = color[2] * 255;
  packBytes[3] = alpha * 255;
  return packWord[0];
}

/**
 * Source-over of `color` at `alpha` onto the pixel at byte `o` of ImageData (not premultiplied): what the
 * canvas does to a pixel a rectangle covers by `alpha` of its opacity.
 */
function blend(px: Uint8ClampedArray, o: number, color: Float32Array, alpha: number): void {
  const da = px[o + 3] / 255;
  const keep = da * (1 - alpha);
  const out = alpha + keep;
  if (out <= 0) return;
  px[o] = (color[0] * 255 * alpha + px[o] * keep) / out;
  px[o + 1] = (color[1] * 255 * alpha + px[o + 1] * keep) / out;
  px[o + 2] = (color[2] * 255 * alpha + px[o + 2] * keep) / out;
  px[o + 3] = out * 255;
}
