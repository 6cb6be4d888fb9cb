/**
 * Marker glyphs (triangles, dots, squares…) drawn as few canvas paths.
 *
 * Why: zooming in from Fit on a 100k-event trace puts up to ~1,600 separate glyphs on the canvas, and each
 * was its own beginPath, path and fill: ~5,000 canvas calls in the frame's script, and as many small paths
 * for the software raster. Glyphs that touch no pixel of another pending one are gathered, one path per
 * colour, and filled at once, drawn in a handful of calls. A glyph that may share a pixel with a pending one
 * of another colour first draws everything pending, so overlaps of different colours stack in time order.
 * One that overlaps only glyphs of its own colour and alpha joins their path: the fill covers their union,
 * the same pixels as before except where two anti-aliased edges cross (and a faded pair's overlap is no
 * darker than either, as a faded glyph should be; stacked, it was twice as dark).
 */
import { MARKER_KINDS } from '../shared/eventKinds';
import { SEVERITIES } from '../shared/traceModel';
import { markerStyle, type MarkerShape, type MarkerStyle } from './markerStyle';

const styles: (MarkerStyle | undefined)[] = [];

/** markerStyle of a marker's kind and severity codes (the index columns), made once per pair. */
export function glyphStyle(kind: number, severity: number): MarkerStyle {
  const key = kind * SEVERITIES.length + severity;
  return (styles[key] ??= markerStyle(MARKER_KINDS[kind], SEVERITIES[severity]));
}

/** Adds a glyph's outline to the context's current path (a new subpath: nothing joins it to the last one). */
export function glyphPath(ctx: CanvasRenderingContext2D, shape: MarkerShape, x: number, y: number, r: number): void {
  switch (shape) {
    case 'triangle':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.lineTo(x - r, y + r);
      ctx.closePath();
      break;
    case 'diamond':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.lineTo(x - r, y);
      ctx.closePath();
      break;
    case 'square':
      ctx.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6);
      break;
    case 'bar':
      ctx.rect(x - 1, y - r, 2, r * 2);
      break;
    case 'dot':
      ctx.moveTo(x + r * 0.6, y);
      ctx.arc(x, y, r * 0.6, 0, Math.PI * 2);
      break;
    case 'circle':
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 'cross':
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      break;
  }
}

/** A cross is stroked this wide; every other shape is filled. */
const CROSS_LINE_W = 2;
/**
 * How far each shape reaches from its centre (glyphPath's outlines): [radii, px], a share of its radius and
 * a fixed width (a bar is 2 px wide whatever its radius). Past that, CLEAR_PX may still be painted: a pixel
 * of anti-aliasing on each side, and half a cross's line.
 */
const REACH: Record<MarkerShape, readonly [number, number]> = {
  triangle: [1, 0],
  diamond: [1, 0],
  square: [0.8, 0],
  bar: [0, 1],
  dot: [0.6, 0],
  circle: [1, 0],
  cross: [1, 0],
};
const CLEAR_PX = 1 + CROSS_LINE_W / 2;

const SHAPES: MarkerShape[] = ['triangle', 'diamond', 'square', 'bar', 'dot', 'circle', 'cross'];

export class GlyphBatch {
  private n = 0;
  private xs = new Float64Array(256);
  private ys = new Float64Array(256);
  private rs = new Float64Array(256);
  private shapes = new Uint8Array(256);
  /** Index into `paints` of each pending glyph. */
  private paintOf = new Int32Array(256);
  /** The colour, alpha and kind (stroked or filled) of each path being gathered, in the order they first came. */
  private colors: string[] = [];
  private alphas: number[] = [];
  private strokes: boolean[] = [];
  private paints = 0;
  /**
   * Each paint's pending glyphs' extent (x0, x1, y0, y1 at 4 * p): a new glyph of another paint inside one
   * (with room for both) may share a pixel with one of them.
   */
  private extents = new Float64Array(32);

  /** Queues a glyph, as ctx.globalAlpha = alpha and a fill (a stroke for a cross) in `color` would draw it. */
  add(
    ctx: CanvasRenderingContext2D,
    shape: MarkerShape,
    color: string,
    alpha: number,
    x: number,
    y: number,
    r: number,
  ): void {
    const [radii, px] = REACH[shape];
    const reach = radii * r + px + CLEAR_PX;
    const stroke = shape === 'cross';
    let p = this.paintIndex(color, alpha, stroke);
    const e = this.extents;
    for (let q = 0; q < this.paints; q++) {
      const k = 4 * q;
      if (q !== p && x + reach > e[k] && x - reach < e[k + 1] && y + reach > e[k + 2] && y - reach < e[k + 3]) {
        this.flush(ctx);
        p = -1;
        break;
      }
    }
    if (p < 0) p = this.newPaint(color, alpha, stroke);
    if (this.n === this.xs.length) this.grow();
    const i = this.n++;
    this.xs[i] = x;
    this.ys[i] = y;
    this.rs[i] = r;
    this.shapes[i] = SHAPES.indexOf(shape);
    this.paintOf[i] = p;
    // (its paint's pending glyphs' extent, each glyph's reach included: two glyphs share no pixel when their reaches don't meet)
    const k = 4 * p;
    e[k] = Math.min(e[k], x - reach);
    e[k + 1] = Math.max(e[k + 1], x + reach);
    e[k + 2] = Math.min(e[k + 2], y - reach);
    e[k + 3] = Math.max(e[k + 3], y + reach);
  }

  /** The pending path of this colour, alpha and kind, or -1. */
  private paintIndex(color: string, alpha: number, stroke: boolean): number {
    let p = this.paints - 1;
    while (p >= 0 && !(this.colors[p] === color && this.alphas[p] === alpha && this.strokes[p] === stroke)) p--;
    return p;
  }

  private newPaint(color: string, alpha: number, stroke: boolean): number {
    const p = this.paints++;
    this.colors[p] = color;
    this.alphas[p] = alpha;
    this.strokes[p] = stroke;
    if (this.extents.length < 4 * this.paints) {
      const e = new Float64Array(this.extents.length * 2);
      e.set(this.extents);
      this.extents = e;
    }
    this.extents.set([Infinity, -Infinity, Infinity, -Infinity], 4 * p);
    return p;
  }

  /** Draws what is pending: one path per colour. Leaves globalAlpha at 1 and lineWidth at 1. */
  flush(ctx: CanvasRenderingContext2D): void {
    for (let p = 0; p < this.paints; p++) {
      const color = this.colors[p];
      ctx.globalAlpha = this.alphas[p];
      ctx.beginPath();
      for (let i = 0; i < this.n; i++)
        if (this.paintOf[i] === p) glyphPath(ctx, SHAPES[this.shapes[i]], this.xs[i], this.ys[i], this.rs[i]);
      if (this.strokes[p]) {
        ctx.strokeStyle = color;
        ctx.lineWidth = CROSS_LINE_W;
        ctx.stroke();
        ctx.lineWidth = 1;
      } else {
        ctx.fillStyle = color;
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    this.n = 0;
    this.paints = 0;
  }

  private grow(): void {
    const size = this.xs.length * 2;
    for (const k of ['xs', 'ys', 'rs'] as const) {
      const a = new Float64Array(size);
      a.set(this[k]);
      this[k] = a;
    }
    const shapes = new Uint8Array(size);
    shapes.set(this.shapes);
    this.shapes = shapes;
    const paintOf = new Int32Array(size);
    paintOf.set(this.paintOf);
    this.paintOf = paintOf;
  }
}

/**
 * Ticks: glyphs too crowded for their shape, drawn as thin bars on whole pixels (see the renderer's marker
 * row). Ticks never overlap one another (their marks are at least 3 px apart and 2 px wide), so each colour
 * and alpha is one path filled once, the same pixels as a fillRect each, for about half the cost.
 */
export class TickBatch {
  private readonly xs: number[] = [];
  private readonly paintOf: number[] = [];
  private readonly colors: string[] = [];
  private readonly alphas: number[] = [];

  add(color: string, alpha: number, x: number): void {
    let p = this.colors.length - 1;
    while (p >= 0 && !(this.colors[p] === color && this.alphas[p] === alpha)) p--;
    if (p < 0) {
      p = this.colors.length;
      this.colors.push(color);
      this.alphas.push(alpha);
    }
    this.xs.push(x);
    this.paintOf.push(p);
  }

  /** Draws them `w` wide from `top`, `h` tall. Leaves globalAlpha at 1. */
  flush(ctx: CanvasRenderingContext2D, top: number, w: number, h: number): void {
    for (let p = 0; p < this.colors.length; p++) {
      ctx.globalAlpha = this.alphas[p];
      ctx.fillStyle = this.colors[p];
      ctx.beginPath();
      for (let i = 0; i < this.xs.length; i++) if (this.paintOf[i] === p) ctx.rect(this.xs[i], top, w, h);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    this.xs.length = 0;
    this.paintOf.length = 0;
    this.colors.length = 0;
    this.alphas.length = 0;
  }
}
