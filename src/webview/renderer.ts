/**
 * Draws one frame of the timeline on a 2D canvas. Cost is bounded by what is visible: every lane
 * is walked with the level-of-detail visitors (binary search + per-column jumps), never event by event.
 */
import { MARKER_KINDS } from '../shared/eventKinds';
import { SEVERITIES } from '../shared/traceModel';
import { waitedOnText } from '../shared/waitFor';
import { splitSideName } from '../shared/compareSides';
import type { Lane, TraceModel } from '../shared/traceModel';
import { LaneFills } from './bandRaster';
import { drawFlows } from './flows';
import { formatDuration, formatTick, niceTicks } from './format';
import { GROUP_H, MARKER_H, MAX_SPAN_ROWS, RULER_H, SPAN_H, type LaneRow, type Row } from './layout';
import {
  lowerBound,
  toTime,
  toX,
  upperBound,
  visitIntervals,
  visitPoints,
  type IntervalIndex,
  type IntervalRun,
  type PointIndex,
  type Scale,
} from './lod';
import { GlyphBatch, glyphStyle, TickBatch } from './glyphs';
import { DASH_STEP, DASH_W, RUNNABLE_STYLE, WAIT_STYLE, waitState } from './laneStates';
import { numberRange, printNumbersOf } from './printNumbers';
import { laneCutter, laneTitle } from './laneNames';
import type { LaneIndex } from './modelIndex';
import { laneColor, type Theme } from './theme';
import { FontPen, TextFitter, type TextMeasurer } from './textFit';
import { drawWaitGraph, type TextBox } from './waitGraph';
import { eventLane, type EventRef, type ViewState } from './viewState';

const MARKER_R = 4.5;
/** Glyphs whose centres are closer than this to a neighbour's would overlap it: they are drawn as ticks. */
const CROWDED_PX = 5;
/** A tick's width (CSS px, on whole pixels: a rectangle on pixel edges costs the raster next to nothing). */
const TICK_W = 2;
const MIN_SPAN_PX = 2;
/** A span's name cut shorter than this many characters (before its '…') is not drawn. */
const MIN_CUT_NAME = 3;
const MAX_CURSOR_MARKS = 2000;

export function frameScale(v: ViewState, widthCss: number): Scale {
  const w = Math.max(1, widthCss - v.gutterW);
  return { t0: v.window.start, t1: v.window.end, k: w / (v.window.end - v.window.start), x0: v.gutterW };
}

interface Frame {
  ctx: CanvasRenderingContext2D;
  v: ViewState;
  s: Scale;
  theme: Theme;
  width: number;
  height: number;
  /** Where labels in the time area may start: right of the label column and of the folded start-up block. */
  textLeft: number;
  /** Boxes of the text drawn on the lanes so far this frame: span names, prints, waits (the wait-for graph's labels keep off them). */
  textBoxes: TextBox[];
  /** Sets the context's font and says which it is without asking the context (see FontPen). */
  pen: FontPen;
  fonts: Fonts;
}

/** The fonts of a frame's text, made once per theme font. */
interface Fonts {
  /** Span names, lane names, the ruler (11 px). */
  text: string;
  /** Prints, wait labels, lane kinds (10 px). */
  small: string;
  /** The folded internal lanes. */
  italic: string;
}

let fontsMade: Fonts | undefined;
let fontsOfFamily = '';

function fontsFor(theme: Theme): Fonts {
  if (fontsMade === undefined || fontsOfFamily !== theme.font) {
    fontsOfFamily = theme.font;
    fontsMade = { text: `11px ${theme.font}`, small: `10px ${theme.font}`, italic: `italic 11px ${theme.font}` };
  }
  return fontsMade;
}

export function drawFrame(
  ctx: CanvasRenderingContext2D,
  v: ViewState,
  theme: Theme,
  width: number,
  height: number,
): Scale {
  const s = frameScale(v, width);
  const fonts = fontsFor(theme);
  ctx.save();
  const pen = new FontPen(ctx, fonts.text);
  const f: Frame = { ctx, v, s, theme, width, height, textLeft: v.gutterW, textBoxes: [], pen, fonts };
  const fold = startupFold(f);
  if (fold?.folded) f.textLeft = fold.x1;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  drawGrid(f);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, RULER_H, width, height - RULER_H);
  ctx.clip();
  const rows = visibleRows(f);
  fills.beginFrame();
  for (const row of rows) drawRowBackground(f, row);
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.v.gutterW, RULER_H, width - f.v.gutterW, height - RULER_H);
  ctx.clip();
  for (const row of rows) if (row.type === 'lane') drawLane(f, row);
  drawStartup(f);
  drawErrors(f);
  drawCursor(f);
  const hiddenFlows = drawFlows(f).skipped;
  drawWaitGraph(f, v.waits, f.textBoxes);
  drawSelection(f);
  drawReplay(f);
  ctx.restore();
  // The arrows and the wait-for graph set the font themselves, and restore() brings back the one saved.
  pen.sync();
  for (const row of rows) drawGutter(f, row);
  ctx.restore();
  pen.sync();
  drawRuler(f, hiddenFlows);
  ctx.restore();
  return s;
}

function rowTop(f: Frame, row: Row): number {
  return RULER_H + row.y - f.v.scrollY;
}

function visibleRows(f: Frame): Row[] {
  const top = f.v.scrollY;
  const bottom = top + f.height - RULER_H;
  return f.v.layout.rows.filter((r) => r.y + r.h >= top && r.y <= bottom);
}

function drawGrid(f: Frame): void {
  const { ctx, s, theme } = f;
  const { step, first } = niceTicks(s.t0, s.t1, f.width - f.v.gutterW);
  ctx.strokeStyle = theme.border;
  ctx.globalAlpha = 0.45;
  ctx.beginPath();
  for (let t = first; t <= s.t1; t += step) {
    const x = Math.round(toX(s, t)) + 0.5;
    ctx.moveTo(x, RULER_H);
    ctx.lineTo(x, f.height);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function drawRuler(f: Frame, hiddenFlows: number): void {
  const { ctx, s, theme } = f;
  ctx.fillStyle = theme.laneHeader;
  ctx.fillRect(0, 0, f.width, RULER_H);
  ctx.strokeStyle = theme.border;
  ctx.beginPath();
  ctx.moveTo(0, RULER_H - 0.5);
  ctx.lineTo(f.width, RULER_H - 0.5);
  ctx.stroke();
  const { step, first } = niceTicks(s.t0, s.t1, f.width - f.v.gutterW);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'left';
  f.pen.font = f.fonts.text;
  for (let t = first; t <= s.t1; t += step) {
    const x = Math.round(toX(s, t)) + 0.5;
    if (x < f.v.gutterW) continue;
    ctx.fillRect(x, RULER_H - 6, 1, 6);
    ctx.fillText(formatTick(t, step), x + 3, RULER_H / 2);
  }
  ctx.fillStyle = theme.foreground;
  ctx.fillText(labels.fit(f.pen, `${formatDuration(s.t1 - s.t0)} shown`, f.v.gutterW - 12), 8, RULER_H / 2);
  if (hiddenFlows > 0) {
    const note = `${hiddenFlows} more arrows: zoom in to see them`;
    ctx.textAlign = 'right';
    ctx.fillStyle = theme.laneHeader;
    ctx.fillRect(f.width - ctx.measureText(note).width - 16, 0, ctx.measureText(note).width + 16, RULER_H - 1);
    ctx.fillStyle = theme.muted;
    ctx.fillText(note, f.width - 8, RULER_H / 2);
    ctx.textAlign = 'left';
  }
}

function drawRowBackground(f: Frame, row: Row): void {
  const { ctx, theme } = f;
  const y = rowTop(f, row);
  if (row.type === 'lane' && row.indent === 0) {
    ctx.fillStyle = theme.border;
    ctx.fillRect(0, y, f.width, 1);
  }
  ctx.fillStyle = theme.laneHeader;
  ctx.fillRect(0, y, f.v.gutterW, row.h);
  if (row.type === 'lane' && f.v.selected >= 0 && f.v.model.steps[f.v.selected]?.lane === row.lane) {
    ctx.fillStyle = theme.selection;
    ctx.globalAlpha = 0.18;
    ctx.fillRect(0, y, f.width, row.h);
    ctx.globalAlpha = 1;
  }
}

function laneLabel(lane: Lane): string {
  if (lane.kind === 'process') return `${lane.name} (pid ${lane.pid})`;
  return laneTitle(lane);
}

/** Lane names are measured once per font and text: the label column draws them every frame. */
const labels = new TextFitter();

/**
 * A lane's name cut to `room` so that lanes still read apart (laneCut: where its siblings differ least): two
 * tasks of one coroutine keep their numbers ("heart…Task-2"), a task whose coroutine is its own keeps the
 * coroutine's start, a process drops its pid before its name (Compare's sides keep their letter), and a numbered
 * pool worker keeps its number ("Thr…-0_3").
 */
function fitLaneLabel(ctx: TextMeasurer, model: TraceModel, lane: Lane, room: number): string {
  const whole = laneLabel(lane);
  if (labels.width(ctx, whole) <= room) return whole;
  if (lane.kind === 'process') {
    // Compare's sides keep their letter, then the seed's last digits and how it ended ("A · …01 (failing)"),
    // else how it ended ("B · (passing)"): the letter tells the sides apart, the outcome what each one is.
    const side = splitSideName(lane.name);
    if (side === undefined) return labels.fitKeepingTail(ctx, lane.name, room);
    const left = room - labels.width(ctx, side.lead);
    const rest = labels.fitKeepingTail(ctx, side.rest, left);
    if (rest !== side.rest && !rest.startsWith('…') && side.outcome && labels.width(ctx, side.outcome) <= left)
      return side.lead + side.outcome;
    return rest === '' ? side.lead.trimEnd() : side.lead + rest;
  }
  const { head, tail } = laneCutter(model)(lane.id);
  // (a cut coroutine's ellipsis stands for the " · " too: "hear…Task-2" in a narrow column)
  return tail ? labels.fitHeadAndTail(ctx, head, tail.replace(/^ · /, ''), room) : labels.fit(ctx, whole, room);
}

/** Where a lane row's name starts in the label column, and its font. */
function labelPlace(row: LaneRow, lane: Lane, theme: Theme): { x: number; font: string } {
  return { x: 8 + row.indent * 12 + 18, font: `${lane.kind === 'process' ? '600 ' : ''}11px ${theme.font}` };
}

/** Space right of a lane name in the label column (CSS px). */
const LABEL_PAD = 4;

/** A lane row's full name when the label column cuts it (for the hover), else null. */
export function cutLaneLabel(ctx: CanvasRenderingContext2D, v: ViewState, theme: Theme, row: Row): string | null {
  if (row.type !== 'lane') return null;
  const lane = v.model.lanes[row.lane];
  const { x, font } = labelPlace(row, lane, theme);
  ctx.font = font;
  const label = laneLabel(lane);
  return labels.width(ctx, label) > v.gutterW - x - LABEL_PAD ? label : null;
}

/** The label column width that shows every lane name whole (double-clicking its divider). */
export function labelColumnFit(ctx: CanvasRenderingContext2D, v: ViewState, theme: Theme): number {
  let widest = 0;
  for (const row of v.layout.rows) {
    if (row.type !== 'lane') continue;
    const lane = v.model.lanes[row.lane];
    const { x, font } = labelPlace(row, lane, theme);
    ctx.font = font;
    widest = Math.max(widest, x + labels.width(ctx, laneLabel(lane)) + LABEL_PAD);
  }
  return Math.ceil(widest);
}

function drawGutter(f: Frame, row: Row): void {
  const { ctx, theme, v } = f;
  const y = rowTop(f, row);
  const x = 8 + row.indent * 12;
  ctx.textAlign = 'left';
  if (row.type === 'internal') {
    ctx.fillStyle = theme.muted;
    f.pen.font = f.fonts.italic;
    const n = row.lanes.length;
    ctx.fillText(
      labels.fit(f.pen, `▸ ${n} internal lane${n === 1 ? '' : 's'}`, f.v.gutterW - x - 4),
      x,
      y + GROUP_H / 2,
    );
    return;
  }
  const lane = v.model.lanes[row.lane];
  const mid = y + MARKER_H / 2 + 2;
  if (row.hasChildren) {
    ctx.fillStyle = theme.muted;
    f.pen.font = f.fonts.text;
    ctx.fillText(row.collapsed ? '▸' : '▾', x, mid);
  }
  ctx.fillStyle = laneColor(theme, v.index.laneSlot[row.lane]);
  ctx.fillRect(x + 11, mid - 4, 3, 8);
  ctx.fillStyle = lane.internal ? theme.muted : theme.foreground;
  const label = labelPlace(row, lane, theme);
  const room = f.v.gutterW - label.x - LABEL_PAD;
  f.pen.font = label.font;
  // Cut with an ellipsis, never squeezed; the hover shows the whole name.
  ctx.fillText(fitLaneLabel(f.pen, v.model, lane, room), label.x, mid);
  if (row.h > MARKER_H + SPAN_H) {
    f.pen.font = f.fonts.small;
    ctx.fillStyle = theme.muted;
    ctx.fillText(labels.fit(f.pen, lane.kind, room), label.x, mid + 13);
  }
}

/** Spans are drawn at least MIN_SPAN_PX wide, so narrower ones closer than that merge into one run. */
function visitSpanRuns(ix: IntervalIndex, s: Scale, visit: (run: IntervalRun) => void): void {
  visitIntervals(ix, s, visit, MIN_SPAN_PX);
}

function spanAlpha(f: Frame, i: number): number {
  const frac = f.v.index.spanCpu[i];
  // Waiting or sleeping shows pale, burning CPU shows solid: GIL turn-taking reads at a glance.
  return frac < 0 ? 0.45 : 0.18 + 0.72 * frac;
}

/** One lane's span and wait fills, drawn together after its walk (see bandRaster.ts). */
const fills = new LaneFills();

/** How many span and wait rectangles the last frame recorded, over all its lanes. */
export function lastFrameFills(): number {
  return fills.recorded;
}
/** A lane's marker glyphs, a few paths (see glyphs.ts). */
const glyphs = new GlyphBatch();
/** A lane's crowded glyphs, drawn as ticks (see drawMarkerRow). */
const ticks = new TickBatch();

/** How faded the text of what a search did not match is drawn (span names, wait labels, prints' numbers). */
const DIM_TEXT_ALPHA = 0.4;
/** How faded a marker's glyph is drawn when a search did not match it (text at 0.25 is hard to read). */
const DIM_MARK_ALPHA = 0.25;

/** A search is on and did not match this span or marker: it is drawn faded. */
function unmatched(f: Frame, type: EventRef['type'], index: number): boolean {
  const m = f.v.matches;
  return m !== null && (type === 'span' ? m.spans : m.markers)[index] !== 1;
}

/** The top of a lane's marker row (whole pixels), whose middle is `mid`: its glyphs, ticks and plates. */
function markerRowTop(mid: number): number {
  return Math.round(mid - MARKER_R);
}
/** A print number's plate hides this much of the marks under it (the number's own alpha times this). */
const PLATE_ALPHA = 0.85;
/** A plate's margin left and right of its text (CSS px). */
const PLATE_PAD = 1;

/**
 * Labels drawn in one pass once their lane's walk is done: a busy frame draws ~200 span names and ~100 print
 * numbers, and setting the font, colour and alignment for each (strings that cross into the canvas every
 * time) cost more than drawing them. Every style a label needs is set here, none is left from what ran
 * before.
 */
class LabelBatch {
  private readonly texts: string[] = [];
  private readonly xs: number[] = [];
  private readonly x1s: number[] = [];
  private readonly ys: number[] = [];
  private readonly alphas: number[] = [];

  /** A label `text` from x to x1 (its measured end), its middle at y. */
  push(text: string, x: number, x1: number, y: number, alpha: number): void {
    this.texts.push(text);
    this.xs.push(x);
    this.x1s.push(x1);
    this.ys.push(y);
    this.alphas.push(alpha);
  }

  /**
   * Draws and forgets them, in `font`. With `plate` (its top and height), each label first gets a plate of
   * the background behind it, all plates before any text: a label reads over a crowded marker row, and no
   * plate covers another label. Leaves globalAlpha at 1.
   */
  draw(f: Frame, font: string, plate?: { top: number; h: number }): void {
    const { ctx } = f;
    const n = this.texts.length;
    if (n > 0) {
      let alpha = -1;
      if (plate !== undefined) {
        ctx.fillStyle = f.theme.background;
        for (let i = 0; i < n; i++) {
          const a = this.alphas[i] * PLATE_ALPHA;
          if (a !== alpha) ctx.globalAlpha = alpha = a;
          ctx.fillRect(this.xs[i] - PLATE_PAD, plate.top, this.x1s[i] - this.xs[i] + 2 * PLATE_PAD, plate.h);
        }
      }
      f.pen.font = font;
      ctx.fillStyle = f.theme.foreground;
      ctx.textAlign = 'left';
      for (let i = 0; i < n; i++) {
        if (this.alphas[i] !== alpha) ctx.globalAlpha = alpha = this.alphas[i];
        ctx.fillText(this.texts[i], this.xs[i], this.ys[i]);
      }
    }
    ctx.globalAlpha = 1;
    this.texts.length = this.xs.length = this.x1s.length = this.ys.length = this.alphas.length = 0;
  }
}
const spanNames = new LabelBatch();
const printNumberLabels = new LabelBatch();

function drawLane(f: Frame, row: LaneRow): void {
  const { ctx, v, s, theme } = f;
  const lane = v.index.lane(row.lane);
  const cols = v.index.cols;
  const y = rowTop(f, row);
  const color = laneColor(theme, v.index.laneSlot[row.lane]);
  // Labels and outlines go over the fills, so they are drawn once the fills are.
  const over: (() => void)[] = [];
  const waitTexts = drawWaits(f, lane, row.lane, y, over);
  const spanRows = Math.min(lane.spans.length, MAX_SPAN_ROWS);
  for (let d = 0; d < spanRows; d++) {
    const ix = lane.spans[d];
    const sy = y + MARKER_H + d * SPAN_H;
    // A span's name is drawn once the next span of its row is known: it may run on past the span's end into
    // the empty time after it (a work item at whole-run Fit is narrower than its call's name).
    let pending = -1;
    let pendingX = 0;
    const labelPending = (until: number): void => {
      if (pending < 0) return;
      const room = Math.min(until, f.width) - pendingX - 3;
      if (room > 20) {
        const dim = unmatched(f, 'span', pending);
        const name = cols.spanName(pending);
        const label = cols.spanOpen[pending] !== 0 ? `${name} …` : name;
        // Measured, not estimated from a character width: an estimate squeezed by maxWidth reads as a smudge.
        f.pen.font = f.fonts.text;
        const text = spanLabels.fit(f.pen, label, room);
        // A name cut to a letter or two ("c…", "up…") says nothing and crowds the row: whole or 3+ letters.
        if (text !== label && text.length <= MIN_CUT_NAME) {
          pending = -1;
          return;
        }
        const x = pendingX;
        const x1 = x + spanLabels.width(f.pen, text);
        f.textBoxes.push({ x0: x, x1, y0: sy, y1: sy + SPAN_H - 2 });
        spanNames.push(text, x, x1, sy + (SPAN_H - 2) / 2, dim ? DIM_TEXT_ALPHA : 1);
      }
      pending = -1;
    };
    visitSpanRuns(ix, s, (run) => {
      labelPending(run.x0);
      const id = ix.ids[run.first];
      // At least 2 px: an asyncio task's 50 us step between resume and yield still shows as a running slice.
      const w = Math.max(MIN_SPAN_PX, run.x1 - run.x0);
      const dim = unmatched(f, 'span', id);
      fills.rect(run.x0, sy, w, SPAN_H - 2, color, (run.count > 1 ? 0.5 : spanAlpha(f, id)) * (dim ? 0.3 : 1));
      if (run.count === 1 && run.x0 + w > f.textLeft) {
        pending = id;
        pendingX = Math.max(run.x0, f.textLeft) + 3;
      }
    });
    labelPending(Infinity);
  }
  fills.flush(ctx, f.v.gutterW, f.width);
  for (const draw of over) draw();
  spanNames.draw(f, f.fonts.text);
  const mid = y + MARKER_H / 2 - 1;
  drawMarkerRow(f, lane.markers, mid);
  // The prints' numbers first, then the wait labels around them: a number is never hidden by a label.
  drawWaitTexts(f, row.lane, waitTexts, drawPrintLabels(f, lane, row.lane, mid, waitTexts));
  ctx.globalAlpha = 1;
}

/**
 * A lane's marker row. Where a glyph would overlap its neighbour it is drawn as a tick, a thin bar in
 * its colour: overlapping shapes can't be told apart anyway, a row of ticks still shows how many and of
 * what kind, and each costs a rectangle, not an anti-aliased path (at mid zoom on a 100k trace up to
 * 1,600 of them a frame). A glyph with room around it keeps its shape. Buckets too dense even for ticks
 * (more than 3 markers in 3 px) join a muted activity strip: at 100k+ events zoomed out that is a
 * handful of rectangles per lane instead of thousands of marks.
 */
function drawMarkerRow(f: Frame, markers: PointIndex, mid: number): void {
  const { ctx, v, theme } = f;
  const cols = v.index.cols;
  const top = markerRowTop(mid);
  let stripFrom = -1;
  let stripTo = -1;
  let prevX = -Infinity;
  // The glyph waiting for its next neighbour's position, which decides between its shape and a tick.
  let held = -1;
  let heldX = 0;
  const place = (nextX: number): void => {
    if (held < 0) return;
    const st = glyphStyle(cols.markerKind[held], cols.markerSeverity[held]);
    const alpha = unmatched(f, 'marker', held) ? DIM_MARK_ALPHA : 1;
    const color = theme.roles[st.color];
    if (heldX - prevX < CROWDED_PX || nextX - heldX < CROWDED_PX) {
      ticks.add(color, alpha, Math.round(heldX - TICK_W / 2));
    } else glyphs.add(ctx, st.shape, color, alpha, heldX, mid, MARKER_R);
    prevX = heldX;
    held = -1;
  };
  const flushStrip = (): void => {
    if (stripFrom < 0) return;
    ctx.globalAlpha = v.matches ? 0.35 : 0.7;
    ctx.fillStyle = theme.muted;
    ctx.fillRect(stripFrom - 1, top, stripTo - stripFrom + 3, MARKER_R * 2);
    prevX = stripTo;
    stripFrom = -1;
  };
  ctx.globalAlpha = 1;
  visitPoints(markers, f.s, 3, (b) => {
    if (b.count > 3) {
      place(b.x);
      if (stripFrom >= 0 && b.x - stripTo > 4) flushStrip();
      if (stripFrom < 0) stripFrom = b.x;
      stripTo = b.x;
      return;
    }
    flushStrip();
    place(b.x);
    held = markers.ids[b.first];
    heldX = b.x;
  });
  flushStrip();
  place(Infinity);
  ticks.flush(ctx, top, TICK_W, MARKER_R * 2);
  glyphs.flush(ctx);
  ctx.globalAlpha = 1;
}

/**
 * What each print printed, after its glyph: its number (as in the output pane) and text up to the lane's next
 * glyph, the number alone where the text has no room (a busy lane, or inside a wait's label: that label
 * moves past it). Prints whose glyphs sit under one number (a burst) share one label, "3–7". Returns where
 * the labels were written ([x0, x1] in order).
 */
function drawPrintLabels(
  f: Frame,
  lane: LaneIndex,
  laneId: number,
  mid: number,
  waits: readonly WaitText[],
): [number, number][] {
  const { v, s } = f;
  const p = lanePrints(f, lane);
  const drawn: [number, number][] = [];
  if (p.ids.length === 0) return drawn;
  const numbers = printNumbersOf(v.index.cols).ofMarker;
  f.pen.font = f.fonts.small;
  const numberWidth = printLabels.numberWidths(f.pen);
  const end = upperBound(p.ts, s.t1);
  // The wait labels that start at or before this label (waits[0, nextWait)), and the furthest one of them ends.
  let nextWait = 0;
  let reach = -Infinity;
  for (let i = lowerBound(p.ts, s.t0); i < end;) {
    const glyph = toX(s, p.ts[i]);
    const first = numbers[p.ids[i]];
    const x = pastRings(f, laneId, Math.max(glyph + MARKER_R + 2, f.textLeft + 3), numberWidth(`${first}`));
    let lo = first;
    let hi = first;
    let head = `${first} `;
    // The prints whose glyphs start under the number so far join it (found by search: a lane may have 100k
    // prints in view); a lane's prints are numbered in time order, so the range runs first to last.
    let j = i + 1;
    for (;;) {
      const next = upperBound(p.ts, toTime(s, x + numberWidth(head) + MARKER_R), j, end);
      if (next <= j) break;
      j = next;
      const last = numbers[p.ids[j - 1]] || first;
      lo = Math.min(first, last);
      hi = Math.max(first, last);
      head = `${numberRange(lo, hi, j - i)} `;
    }
    // The text (a lone print's) runs up to the lane's next glyph and the next wait label, not into one.
    let until = f.width;
    if (lo === hi) {
      const next = lowerBound(lane.markers.ts, toTime(s, glyph + 3));
      if (next < lane.markers.ts.length) until = Math.min(until, toX(s, lane.markers.ts[next]) - MARKER_R - 2);
    }
    // Wait labels start in order, and so do these (x never goes back): a label inside one stops at once, else
    // at the next one's start. Walked once per lane, not once per print label.
    while (nextWait < waits.length && waits[nextWait].x <= x) reach = Math.max(reach, waits[nextWait++].end);
    if (reach > x) until = Math.min(until, x);
    else if (nextWait < waits.length) until = Math.min(until, waits[nextWait].x);
    until = Math.min(until, nextRing(f, laneId, x) - 2);
    const room = until - x - 3;
    const said = room > 30 && lo === hi ? printedText(v.model, p.ids[i]) : '';
    let text = said ? printLabels.fit(f.pen, head + said, room) : '';
    if (text.length <= head.length + 3) text = head.trimEnd();
    const a = unmatched(f, 'marker', p.ids[i]) ? DIM_TEXT_ALPHA : 1;
    const x1 = x + (text.length < head.length ? numberWidth(text) : printLabels.width(f.pen, text));
    printNumberLabels.push(text, x, x1, mid, a);
    drawn.push([x, x1]);
    f.textBoxes.push({ x0: x, x1, y0: mid - 6, y1: mid + 6 });
    i = j;
  }
  // The plate spans the marker row, whose crowded glyphs (ticks) would otherwise run through the digits.
  printNumberLabels.draw(f, f.fonts.small, { top: markerRowTop(mid), h: MARKER_R * 2 });
  return drawn;
}

/**
 * What print marker `id` printed, as its label on the canvas says it (its label without "print: "), kept per
 * print: a busy frame labels ~100 prints. By the markers array: it is a new one once the marker objects
 * exist (a big model's first frames have none, and their prints show numbers only).
 */
function printedText(model: TraceModel, id: number): string {
  let texts = printedTexts.get(model.markers);
  if (texts === undefined) printedTexts.set(model.markers, (texts = new Map<number, string>()));
  let text = texts.get(id);
  if (text === undefined) {
    text = (model.markers[id]?.label ?? '').replace(/^print( \(\d+ lines\))?: /, '');
    texts.set(id, text);
  }
  return text;
}
const printedTexts = new WeakMap<TraceModel['markers'], Map<number, string>>();

/** Each lane's prints in time order (marker ids), found once per lane. */
const printIndexes = new WeakMap<LaneIndex, PointIndex>();

function lanePrints(f: Frame, lane: LaneIndex): PointIndex {
  let found = printIndexes.get(lane);
  if (found === undefined) {
    const { markerKind } = f.v.index.cols;
    const at: number[] = [];
    for (let i = 0; i < lane.markers.ids.length; i++)
      if (MARKER_KINDS[markerKind[lane.markers.ids[i]]] === 'print') at.push(i);
    found = {
      ts: Float64Array.from(at, (i) => lane.markers.ts[i]),
      ids: Int32Array.from(at, (i) => lane.markers.ids[i]),
    };
    printIndexes.set(lane, found);
  }
  return found;
}

/**
 * Wait bands: from a blocking call to when it returned, coloured by what the lane waits on (the legend
 * says which), dashed for sleeps, two lines for I/O, red and labelled for a wait that never ended.
 */
/** A wait's label as planned: drawn after the prints' numbers, which it moves past (drawWaitTexts). */
interface WaitText {
  x: number;
  /** Where its planned text ends, and where it must end at the latest. */
  end: number;
  right: number;
  stuck: boolean;
  /** A search is on and did not match its wait. */
  dim: boolean;
  label: string;
  y: number;
}

/** A wait's label needs this much room (CSS px), or it is not drawn. */
const WAIT_LABEL_MIN = 30;

/** Draws them; returns their labels as planned (in order), drawn once the prints' labels are. */
function drawWaits(f: Frame, lane: LaneIndex, laneId: number, y: number, over: (() => void)[]): WaitText[] {
  const texts: WaitText[] = [];
  const { ctx, v, s, theme } = f;
  const cols = v.index.cols;
  const top = y + MARKER_H - 6;
  let labelEnd = -Infinity;
  visitIntervals(lane.waits, s, (run) => {
    const id = lane.waits.ids[run.first];
    const state = waitState(MARKER_KINDS[cols.markerKind[id]]) ?? 'sleep';
    const style = WAIT_STYLE[state];
    const stuck = v.index.stuck[id] === 1;
    const w = Math.max(1, run.x1 - run.x0);
    const dim = unmatched(f, 'marker', id);
    const alpha = dim ? 0.2 : 0.85;
    const color = stuck || SEVERITIES[cols.markerSeverity[id]] === 'error' ? theme.error : theme.roles[style.color];
    // Runnable from readyAt (its cause happened) until it ran again: the rest of the band is hollow.
    const ready = cols.markerReadyAt[id];
    const xr =
      run.count === 1 && ready > cols.markerTs[id] ? Math.min(run.x0 + w, Math.max(run.x0, toX(s, ready))) : run.x0 + w;
    const wWait = Math.max(xr - run.x0, Math.min(w, 1));
    if (style.pattern === 'dashed' && run.count === 1) {
      // Only the dashes in view, each where it would be counting from the wait's start (so they keep their
      // place as the view pans): zoomed far into a long sleep its band is millions of pixels wide.
      const end = Math.min(run.x0 + wWait, f.width);
      const skip = Math.max(0, Math.floor((v.gutterW - run.x0) / DASH_STEP));
      for (let x = run.x0 + skip * DASH_STEP; x < end; x += DASH_STEP)
        fills.rect(x, top + 1, Math.min(DASH_W, run.x0 + wWait - x), 3, color, alpha);
    } else if (style.pattern === 'double' && run.count === 1) {
      fills.rect(run.x0, top, wWait, 2, color, alpha);
      fills.rect(run.x0, top + 3, wWait, 2, color, alpha);
    } else fills.rect(run.x0, top, wWait, 5, color, alpha);
    if (run.x0 + w - xr >= 1) {
      const end = run.x0 + w;
      over.push(() => {
        ctx.globalAlpha = alpha;
        drawRunnable(f, xr, end, top);
      });
    }
    if (run.count === 1 && (stuck || w > 40)) {
      const label = style.bandLabel ?? v.model.markers[id]?.label;
      // Past its start glyph and the label before it (waits on one lane may overlap), short of its end glyph.
      const x = pastRings(f, laneId, Math.max(run.x0 + MARKER_R + 4, f.textLeft + 3, labelEnd + 8), WAIT_LABEL_MIN);
      const room = Math.min(run.x1 - MARKER_R, f.width) - x - 3;
      if (label && room > WAIT_LABEL_MIN) {
        f.pen.font = f.fonts.small;
        const text = waitLabel(f.pen, stuck ? 'stuck: ' : '', label, room);
        if (text !== '') {
          labelEnd = x + waitLabels.width(f.pen, text);
          texts.push({ x, end: labelEnd, right: x + room, stuck, dim, label, y: top - 5 });
        }
      }
    }
  });
  ctx.globalAlpha = 1;
  return texts;
}

/** Draws the wait labels, each moved past the prints' labels at its start and cut short of those after it. */
function drawWaitTexts(
  f: Frame,
  laneId: number,
  waits: readonly WaitText[],
  prints: readonly [number, number][],
): void {
  const { ctx, theme } = f;
  if (waits.length === 0) return;
  f.pen.font = f.fonts.small;
  ctx.textAlign = 'left';
  let prevEnd = -Infinity;
  // The prints' labels start in order (a), and each wait's label starts right of the last one's (x never
  // goes back): a label ending before x is behind every later wait too, so the scan resumes where the last
  // left off, and stops at the first label past this one's reach. Linear in waits + prints, not their product.
  let from = 0;
  for (const w of waits) {
    let x = Math.max(w.x, prevEnd + 8);
    let right = w.right;
    while (from < prints.length && prints[from][1] <= x) from++;
    for (let k = from; k < prints.length; k++) {
      const [a, z] = prints[k];
      if (a >= Math.min(right, x + (w.end - w.x))) break;
      if (z <= x) continue;
      if (a <= x + 24) x = z + 6;
      else right = a - 6;
    }
    x = pastRings(f, laneId, x, WAIT_LABEL_MIN);
    right = Math.min(right, nextRing(f, laneId, x) - 2);
    const text = waitLabel(f.pen, w.stuck ? 'stuck: ' : '', w.label, right - x);
    if (text === '') continue;
    ctx.fillStyle = w.stuck ? theme.error : theme.muted;
    // Faded as a span's name is when the search did not match its wait (the band's own 0.2 is too faint for text).
    ctx.globalAlpha = w.dim ? DIM_TEXT_ALPHA : 1;
    ctx.fillText(text, x, w.y);
    prevEnd = x + waitLabels.width(f.pen, text);
    f.textBoxes.push({ x0: x - 2, x1: prevEnd + 2, y0: w.y - 6, y1: w.y + 6 });
  }
  ctx.globalAlpha = 1;
}

const waitLabels = new TextFitter();
const startupText = new TextFitter();
const spanLabels = new TextFitter();
const printLabels = new TextFitter();

/**
 * A wait's label in `room` px: whole ("wait for pool.map results"), else what it waits on ("pool.map
 * results": the band's colour says how), cut short if it must be; '' when not even that fits.
 */
function waitLabel(ctx: TextMeasurer, prefix: string, label: string, room: number): string {
  const whole = prefix + label;
  if (waitLabels.width(ctx, whole) <= room) return whole;
  const text = waitLabels.fit(ctx, prefix + waitedOnText(label), room);
  return text.length > prefix.length + 3 ? text : '';
}

/** The runnable part of a wait (ready, not yet running): a hollow band, as in the legend. */
function drawRunnable(f: Frame, x0: number, x1: number, top: number): void {
  const { ctx, theme } = f;
  const alpha = ctx.globalAlpha;
  ctx.strokeStyle = theme.roles[RUNNABLE_STYLE.color];
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(x0) + 0.5, top + 0.5, Math.max(1, Math.round(x1 - x0) - 1), 4);
  ctx.globalAlpha = alpha;
}

/** Marker `id`'s glyph, from the index columns (the marker objects may not exist yet). */
function drawMarkerGlyph(f: Frame, id: number, x: number, y: number, r: number): void {
  const { ctx, theme } = f;
  const cols = f.v.index.cols;
  const st = glyphStyle(cols.markerKind[id], cols.markerSeverity[id]);
  const alpha = ctx.globalAlpha;
  glyphs.add(ctx, st.shape, theme.roles[st.color], alpha, x, y, r);
  glyphs.flush(ctx);
  ctx.globalAlpha = alpha;
}

/** Narrower than this, the start-up block covers what it folds; wider (zoomed in on it), it is a veil. */
const STARTUP_FOLDED_PX = 160;

/**
 * Interpreter start-up and imports, folded into one labelled block so the view opens on the program
 * (Fit leaves them a narrow strip on the left; zooming or panning into them still shows their events).
 */
/** The start-up block's extent on the canvas, when it shows; folded: narrow enough to cover what is under it. */
function startupFold(f: Frame): { x0: number; x1: number; folded: boolean } | undefined {
  const { v, s } = f;
  if (v.startup <= 0 || s.t0 >= v.startup) return undefined;
  const x0 = Math.max(f.v.gutterW, toX(s, Math.max(s.t0, 0)));
  const x1 = Math.min(f.width, toX(s, v.startup));
  return x1 - x0 < 2 ? undefined : { x0, x1, folded: x1 - x0 < STARTUP_FOLDED_PX };
}

function drawStartup(f: Frame): void {
  const { ctx, v, theme } = f;
  const fold = startupFold(f);
  if (!fold) return;
  const { x0, x1, folded } = fold;
  const w = x1 - x0;
  ctx.globalAlpha = folded ? 0.92 : 0.35;
  ctx.fillStyle = theme.laneHeader;
  ctx.fillRect(x0, RULER_H, w, f.height - RULER_H);
  ctx.globalAlpha = folded ? 0.5 : 0.25;
  ctx.strokeStyle = theme.border;
  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, RULER_H, w, f.height - RULER_H);
  ctx.clip();
  ctx.beginPath();
  for (let d = -f.height; d < w; d += 9) {
    ctx.moveTo(x0 + d, f.height);
    ctx.lineTo(x0 + d + f.height, RULER_H);
  }
  ctx.stroke();
  ctx.restore();
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.border;
  ctx.fillRect(x1 - 1, RULER_H, 1, f.height - RULER_H);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  const cx = x0 + w / 2;
  // The main module's lead-in (its imports and set-up before its first event) is folded in too: said
  // apart, since the tracer cannot tell an import from the module's own work there.
  const moduleAt = v.index.programStart;
  const leadIn = Number.isFinite(moduleAt) && moduleAt < v.startup ? v.startup - moduleAt : 0;
  // The longest wording that fits the block, never squeezed: a narrow panel gets a short one, or none.
  const wordings = [
    leadIn > 0
      ? ['Python start-up', formatDuration(moduleAt), 'imports, set-up', formatDuration(leadIn)]
      : ['Python start-up', 'and imports', formatDuration(v.startup)],
    ['start-up', formatDuration(v.startup)],
    [formatDuration(v.startup)],
  ];
  f.pen.font = f.fonts.text;
  const lines = wordings.find((ls) => ls.every((t) => startupText.width(f.pen, t) <= w - 6)) ?? [];
  lines.forEach((t, i) => ctx.fillText(t, cx, RULER_H + 14 + i * 13));
  ctx.textAlign = 'left';
}

function laneY(f: Frame, lane: number): { y: number; row: Row } | null {
  const ri = f.v.layout.rowOfLane[lane];
  if (ri === undefined || ri < 0) return null;
  const row = f.v.layout.rows[ri];
  return { y: rowTop(f, row), row };
}

/** An exception's ring (drawErrors): its radius, and how far its 2 px line reaches past it. */
const RING_R = MARKER_R + 3;
const RING_REACH = RING_R + 1;
/** Exceptions ringed in a frame, at most (the first ones). */
const MAX_RINGS = 500;

/** Each lane's ringed exceptions' times, in order (found once per model): labels in the marker row step past them. */
const ringTimes = new WeakMap<Int32Array, Map<number, Float64Array>>();

function laneRingTimes(f: Frame, lane: number): Float64Array | undefined {
  const { errors, cols } = f.v.index;
  let byLane = ringTimes.get(errors);
  if (byLane === undefined) {
    const lists = new Map<number, number[]>();
    for (let k = 0; k < errors.length && k < MAX_RINGS; k++) {
      const l = cols.markerLane[errors[k]];
      const ts = lists.get(l) ?? [];
      ts.push(cols.markerTs[errors[k]]);
      lists.set(l, ts);
    }
    byLane = new Map([...lists].map(([l, ts]) => [l, Float64Array.from(ts).sort()]));
    ringTimes.set(errors, byLane);
  }
  return byLane.get(lane);
}

/**
 * Where a label meant to start at x on lane `lane`'s marker row may start: past any exception's ring that
 * its first `w` px would cross (a thread that prints and then raises rings the print's number otherwise).
 */
function pastRings(f: Frame, lane: number, x: number, w: number): number {
  const rings = laneRingTimes(f, lane);
  if (rings === undefined) return x;
  const { s } = f;
  // Rings in time order: each one crossed moves x right, past it, so the search only goes forward.
  for (let i = lowerBound(rings, toTime(s, x - RING_REACH)); i < rings.length; i++) {
    const cx = toX(s, rings[i]);
    if (cx - RING_REACH >= x + w) break;
    if (cx + RING_REACH > x) x = cx + RING_REACH + 2;
  }
  return x;
}

/** Where the next exception's ring right of x starts on lane `lane`'s marker row (Infinity: none): labels end short of it. */
function nextRing(f: Frame, lane: number, x: number): number {
  const rings = laneRingTimes(f, lane);
  if (rings === undefined) return Infinity;
  const i = lowerBound(rings, toTime(f.s, x + RING_REACH));
  return i < rings.length ? toX(f.s, rings[i]) - RING_REACH : Infinity;
}

/** Uncaught exceptions must be findable at any zoom: a ring around each, never merged away. */
function drawErrors(f: Frame): void {
  const { ctx, v, s, theme } = f;
  // Solid while searching too: an exception must stay findable whatever the search matched.
  ctx.globalAlpha = 1;
  const cols = v.index.cols;
  for (let k = 0; k < v.index.errors.length && k < MAX_RINGS; k++) {
    const id = v.index.errors[k];
    const ts = cols.markerTs[id];
    if (ts < s.t0 || ts > s.t1) continue;
    const at = laneY(f, cols.markerLane[id]);
    if (at === null) continue;
    const x = toX(s, ts);
    const y = at.y + MARKER_H / 2 - 1;
    // Set for each ring: the glyph drawn in the last one left its own stroke (a cross's width) behind.
    ctx.strokeStyle = theme.error;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, RING_R, 0, Math.PI * 2);
    ctx.stroke();
    drawMarkerGlyph(f, id, x, y, MARKER_R);
  }
  ctx.lineWidth = 1;
}

/** Where an event is drawn (CSS px), or null when its lane is folded away. */
export function eventRect(
  v: ViewState,
  s: Scale,
  ref: EventRef,
): { x: number; y: number; w: number; h: number } | null {
  const lane = eventLane(v.model, ref);
  const ri = v.layout.rowOfLane[lane];
  if (ri === undefined || ri < 0) return null;
  const row = v.layout.rows[ri];
  const top = RULER_H + row.y - v.scrollY;
  if (ref.type === 'marker') {
    const m = v.model.markers[ref.index];
    const x = toX(s, m.ts);
    const w = m.waitEnd !== undefined ? Math.max(0, toX(s, m.waitEnd) - x) : 0;
    return { x: x - MARKER_R - 2, y: top + 1, w: w + 2 * MARKER_R + 4, h: MARKER_H - 2 };
  }
  if (row.type !== 'lane' || row.lane !== lane) return null;
  const sp = v.model.spans[ref.index];
  const d = Math.min(sp.depth, MAX_SPAN_ROWS - 1);
  const x0 = toX(s, sp.start);
  return { x: x0 - 1, y: top + MARKER_H + d * SPAN_H - 1, w: Math.max(2, toX(s, sp.end) - x0) + 2, h: SPAN_H };
}

function eventBox(f: Frame, ref: EventRef): { x: number; y: number; w: number; h: number } | null {
  return eventRect(f.v, f.s, ref);
}

function drawCursor(f: Frame): void {
  const { ctx, v, theme } = f;
  if (v.cursor.length === 0) return;
  ctx.fillStyle = theme.highlight;
  // (its own alpha, not what the drawing before it left: the highlight's colour carries its translucency)
  ctx.globalAlpha = 1;
  for (let k = 0; k < v.cursor.length && k < MAX_CURSOR_MARKS; k++) {
    const st = v.model.steps[v.cursor[k]];
    const b = eventBox(f, st.ref);
    if (b && b.x + b.w >= f.v.gutterW && b.x <= f.width) ctx.fillRect(b.x, b.y, b.w, b.h);
  }
}

function drawSelection(f: Frame): void {
  const { ctx, v, theme } = f;
  const ref = v.selected >= 0 ? v.model.steps[v.selected]?.ref : undefined;
  for (const [r, color, width] of [
    [ref, theme.focus, 2],
    [v.hover ?? undefined, theme.foreground, 1],
  ] as const) {
    if (!r) continue;
    const b = eventBox(f, r);
    if (!b) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.globalAlpha = 1;
    ctx.strokeRect(b.x, b.y, b.w, b.h);
  }
  ctx.lineWidth = 1;
}

function drawReplay(f: Frame): void {
  const { ctx, v, s, theme } = f;
  if (v.replay < 0) return;
  const st = v.model.steps[v.replay];
  if (!st) return;
  const x = Math.max(f.v.gutterW, toX(s, st.ts));
  // What has not happened yet is veiled, not hidden, so the user keeps their bearings; lighter while
  // searching, so the hits after the cursor still read as hits.
  ctx.fillStyle = theme.background;
  ctx.globalAlpha = v.matches !== null ? 0.4 : 0.72;
  ctx.fillRect(x + 1, RULER_H, f.width - x, f.height - RULER_H);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.focus;
  ctx.fillRect(Math.round(x), RULER_H, 2, f.height - RULER_H);
}
