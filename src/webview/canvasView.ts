/** The canvas: sizing for devicePixelRatio, frame scheduling, mouse/keyboard input, hover card. */
import { el } from './dom';
import { hitTest } from './hitTest';
import { HoverCard } from './hoverCard';
import type { Row } from './layout';
import type { Scale } from './lod';
import { cutLaneLabel, drawFrame, frameScale, labelColumnFit } from './renderer';
import { Splitter } from './splitter';
import type { Theme } from './theme';
import { GUTTER_MIN_W, GUTTER_W, defaultGutterW, type EventRef, type ViewState } from './viewState';

/** How long work queued for after the next frame waits for a frame that may never come. */
const AFTER_FRAME_FALLBACK_MS = 250;

export interface CanvasHost {
  view(): ViewState | null;
  theme(): Theme;
  /** Without an anchor: around the selection when in view, else the centre. */
  zoom(factor: number, anchor?: number): void;
  pan(fraction: number): void;
  fit(): void;
  scrollBy(dy: number): void;
  selectEvent(ref: EventRef): void;
  zoomToEvent(ref: EventRef): void;
  clickGutter(row: Row): void;
  /** Previous/next event on the selected lane. */
  stepLane(delta: number): void;
  /** Show the selected event's line and move focus to the editor. */
  openSelected(): void;
  /** Fold or unfold the lanes around the selected event, as a click in the gutter would. */
  toggleFold(): void;
  setHover(ref: EventRef | null): void;
  togglePlay(): void;
  /** A frame of the current model reached the canvas. */
  framePainted(): void;
  /** The label column width the user chose (CSS px; each frame fits it to the canvas), undefined if none. */
  labelColumn(): number | undefined;
  /** The user resized the label column (CSS px; undefined: the default width). */
  setLabelColumn(px: number | undefined): void;
}

/** The time area keeps at least this much of the canvas when the label column grows (CSS px). */
const MIN_TIME_W = 120;

const DRAG_THRESHOLD_PX = 4;

export class CanvasView {
  readonly root = el('div', { class: 'canvas-wrap' });
  readonly canvas = el('canvas', {
    class: 'timeline-canvas',
    tabindex: '0',
    role: 'application',
    'aria-label':
      'Timeline. Arrow keys pan, plus and minus zoom, 0 fits, [ and ] go to the previous or next event on the selected lane, Enter opens its line, C folds or unfolds the lanes around it, Page Up/Down scroll lanes, Space plays the replay.',
  });
  private readonly card = new HoverCard();
  /** The divider between the lane names and the time area: dragged, arrow keys, double-click fits the names. */
  private readonly labelSplit: Splitter;
  private readonly ctx: CanvasRenderingContext2D;
  private scale: Scale | null = null;
  private pending = false;
  private afterFrame: (() => void)[] = [];
  private frames = 0;
  private cssW = 0;
  private cssH = 0;
  private drag: { x: number; y: number; moved: boolean; start: number; scroll: number } | null = null;

  constructor(private readonly host: CanvasHost) {
    this.labelSplit = new Splitter({
      orientation: 'vertical',
      label: 'Resize the lane names',
      resetHint: 'double-click fits the longest name',
      current: () => this.chosenGutterW(),
      bounds: () => ({ min: GUTTER_MIN_W, max: this.maxGutterW }),
      resize: (px) => host.setLabelColumn(px),
      reset: () => {
        const v = host.view();
        if (v === null) return;
        host.setLabelColumn(
          Math.max(GUTTER_MIN_W, Math.min(labelColumnFit(this.ctx, v, host.theme()), this.maxGutterW)),
        );
      },
    });
    this.labelSplit.root.classList.add('label-resizer');
    this.labelSplit.root.hidden = true;
    this.root.append(this.canvas, this.labelSplit.root, this.card.root);
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('2D canvas is not available');
    this.ctx = ctx;
    // Look the frame fonts up now, while the page is idle, not in the first frame of a big model.
    const font = host.theme().font;
    for (const f of [`11px ${font}`, `italic 11px ${font}`, `600 11px ${font}`, `10px ${font}`]) {
      ctx.font = f;
      ctx.measureText('MainThread ▸▾ 0.5 ms shown…');
    }
    new ResizeObserver(() => this.requestDraw()).observe(this.root);
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => this.onDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.onMove(e));
    this.canvas.addEventListener('pointerup', (e) => this.onUp(e));
    this.canvas.addEventListener('pointerleave', () => {
      this.card.hide();
      host.setHover(null);
    });
    this.canvas.addEventListener('dblclick', (e) => {
      const hit = this.hitAt(e);
      if (hit?.type === 'event') host.zoomToEvent(hit.ref);
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Runs `fn` in a task after the next frame is drawn (so that frame reaches the screen first). */
  afterNextFrame(fn: () => void): void {
    this.afterFrame.push(fn);
    this.requestDraw();
    // A hidden panel gets no animation frames: what follows the frame must not wait for one.
    setTimeout(() => this.runAfterFrame(), AFTER_FRAME_FALLBACK_MS);
  }

  private runAfterFrame(): void {
    const run = this.afterFrame;
    this.afterFrame = [];
    for (const fn of run) fn();
  }

  requestDraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  /** Width of the label column (lane names) in CSS pixels, as last drawn. */
  private get gutterW(): number {
    return this.host.view()?.gutterW ?? GUTTER_W;
  }

  /** The widest label column this canvas has room for. */
  private get maxGutterW(): number {
    return Math.max(GUTTER_MIN_W, this.cssW - MIN_TIME_W);
  }

  /** The width the user chose, else the default for this canvas, as far as it has room (a narrow panel keeps some time area). */
  private chosenGutterW(): number {
    const chosen = this.host.labelColumn() ?? defaultGutterW(this.cssW);
    return Math.max(GUTTER_MIN_W, Math.min(chosen, this.maxGutterW));
  }

  /** Width of the time area in CSS pixels (for zoom anchors and pans). */
  get timeWidth(): number {
    return Math.max(1, this.cssW - this.gutterW);
  }

  get viewHeight(): number {
    return this.cssH;
  }

  /** Canvas x (CSS px) of a time in the current frame, for tests and the card. */
  scaleNow(): Scale | null {
    const v = this.host.view();
    return v ? frameScale(v, this.cssW) : null;
  }

  private draw(): void {
    const began = performance.now();
    const rect = this.root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.cssW = Math.max(1, Math.floor(rect.width));
    this.cssH = Math.max(1, Math.floor(rect.height));
    const pw = Math.round(this.cssW * dpr);
    const ph = Math.round(this.cssH * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = pw;
      this.canvas.height = ph;
      this.canvas.style.width = `${this.cssW}px`;
      this.canvas.style.height = `${this.cssH}px`;
    }
    const v = this.host.view();
    const theme = this.host.theme();
    this.labelSplit.root.hidden = v === null;
    if (v !== null) {
      v.gutterW = this.chosenGutterW();
      this.labelSplit.root.style.left = `${v.gutterW - 2}px`;
    }
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (v === null) {
      this.ctx.fillStyle = theme.background;
      this.ctx.fillRect(0, 0, this.cssW, this.cssH);
      this.ctx.fillStyle = theme.muted;
      this.ctx.font = `13px ${theme.font}`;
      this.ctx.fillText('Run a Python file with the timeline to see what every thread, task and process did.', 16, 32);
      return;
    }
    this.scale = drawFrame(this.ctx, v, theme, this.cssW, this.cssH);
    this.frames++;
    // Frame counter and mark: lets tests wait for a real paint and the benchmark time it.
    this.canvas.dataset.frames = String(this.frames);
    // Keep the entry buffers small over a long session.
    if (this.frames % 500 === 0) {
      performance.clearMarks('timeline-frame');
      performance.clearMeasures('timeline-draw');
    }
    performance.mark('timeline-frame');
    performance.measure('timeline-draw', { start: began });
    this.host.framePainted();
    if (this.afterFrame.length > 0) setTimeout(() => this.runAfterFrame(), 0);
  }

  private local(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private hitAt(e: MouseEvent): ReturnType<typeof hitTest> | null {
    const v = this.host.view();
    if (v === null || this.scale === null || v.pending === true) return null;
    const { x, y } = this.local(e);
    return hitTest(v, this.scale, x, y);
  }

  private onWheel(e: WheelEvent): void {
    const v = this.host.view();
    if (v === null) return;
    e.preventDefault();
    const { x } = this.local(e);
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    const dx = e.deltaMode === 1 ? e.deltaX * 16 : e.deltaX;
    if (x < this.gutterW && !e.ctrlKey && !e.metaKey) {
      this.host.scrollBy(dy);
    } else if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
      this.host.pan((e.shiftKey ? dy : dx) / this.timeWidth);
    } else {
      const anchor = Math.max(0, Math.min(1, (x - this.gutterW) / this.timeWidth));
      this.host.zoom(Math.exp(-dy * 0.0025), anchor);
    }
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const v = this.host.view();
    if (v === null) return;
    this.canvas.setPointerCapture(e.pointerId);
    this.drag = { x: e.clientX, y: e.clientY, moved: false, start: v.window.start, scroll: v.scrollY };
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (d !== null) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      d.moved = true;
      this.card.hide();
      const v = this.host.view();
      if (v === null) return;
      const span = v.window.end - v.window.start;
      const wantStart = d.start - (dx / this.timeWidth) * span;
      this.host.pan((wantStart - v.window.start) / span);
      this.host.scrollBy(d.scroll - dy - v.scrollY);
      return;
    }
    const hit = this.hitAt(e);
    const v = this.host.view();
    if (hit?.type === 'event' && v !== null) {
      const { x, y } = this.local(e);
      const step = hit.ref.type === 'span' ? v.index.spanStep[hit.ref.index] : v.index.markerStep[hit.ref.index];
      this.card.show(v.model, hit.ref, step ?? -1, x, y, this.root.getBoundingClientRect());
      this.host.setHover(hit.ref);
      this.canvas.style.cursor = 'pointer';
    } else {
      // A lane name the label column cut short: the hover shows it whole.
      const cut = hit?.type === 'gutter' && v !== null ? cutLaneLabel(this.ctx, v, this.host.theme(), hit.row) : null;
      if (cut !== null) {
        const { x, y } = this.local(e);
        this.card.showTitle(cut, x, y, this.root.getBoundingClientRect());
      } else this.card.hide();
      this.host.setHover(null);
      this.canvas.style.cursor = hit?.type === 'gutter' ? 'pointer' : 'default';
    }
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    if (d === null || d.moved) return;
    const hit = this.hitAt(e);
    if (hit?.type === 'event') this.host.selectEvent(hit.ref);
    else if (hit?.type === 'gutter' || (hit?.type === 'lane' && hit.row.type === 'internal'))
      this.host.clickGutter(hit.row);
  }

  private onKey(e: KeyboardEvent): void {
    const h = this.host;
    const keys: Record<string, () => void> = {
      '+': () => h.zoom(1.6),
      '=': () => h.zoom(1.6),
      '-': () => h.zoom(1 / 1.6),
      _: () => h.zoom(1 / 1.6),
      '0': () => h.fit(),
      ArrowLeft: () => h.pan(-0.1),
      ArrowRight: () => h.pan(0.1),
      ArrowUp: () => h.scrollBy(-40),
      ArrowDown: () => h.scrollBy(40),
      PageUp: () => h.scrollBy(-this.cssH * 0.8),
      PageDown: () => h.scrollBy(this.cssH * 0.8),
      '[': () => h.stepLane(-1),
      ']': () => h.stepLane(1),
      ',': () => h.stepLane(-1),
      '.': () => h.stepLane(1),
      ' ': () => h.togglePlay(),
      Enter: () => h.openSelected(),
      c: () => h.toggleFold(),
    };
    const act = keys[e.key];
    if (act === undefined || e.altKey) return;
    e.preventDefault();
    act();
  }
}
