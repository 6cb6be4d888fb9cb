/**
 * A draggable split between two panes (canvas | list, list | output, label column | the rest): a
 * separator the pointer drags and the arrow keys move, reporting the size the user chose in CSS px.
 * Where the size is applied and remembered is the caller's business.
 */
import { el } from './dom';

export interface SplitterOptions {
  /** 'horizontal' stacks the panes (the bar is horizontal, drags move it up and down). */
  orientation: 'horizontal' | 'vertical';
  label: string;
  /** The size now (CSS px), at the start of a drag or key press. */
  current(): number;
  /** Bounds of the size (CSS px), read at each move. */
  bounds(): { min: number; max: number };
  /** The user chose this size. */
  resize(px: number): void;
  /** Double-click or Home: back to the automatic size. */
  reset?(): void;
  /** What double-click does, for the tooltip (default: "double-click resets"). */
  resetHint?: string;
}

const KEY_STEP_PX = 16;

export class Splitter {
  readonly root: HTMLElement;
  private drag: { from: number; size: number } | null = null;

  constructor(private readonly o: SplitterOptions) {
    this.root = el('div', {
      class: `splitter ${o.orientation}`,
      role: 'separator',
      tabindex: '0',
      'aria-orientation': o.orientation,
      'aria-label': o.label,
      title: `${o.label}: drag, or focus and use the arrow keys (${o.resetHint ?? 'double-click resets'})`,
    });
    const along = (e: PointerEvent): number => (this.o.orientation === 'horizontal' ? e.clientY : e.clientX);
    this.root.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      this.root.setPointerCapture(e.pointerId);
      this.drag = { from: along(e), size: o.current() };
      this.root.classList.add('dragging');
    });
    this.root.addEventListener('pointermove', (e) => {
      if (this.drag) this.set(this.drag.size + along(e) - this.drag.from);
    });
    const end = (): void => {
      this.drag = null;
      this.root.classList.remove('dragging');
    };
    this.root.addEventListener('pointerup', end);
    this.root.addEventListener('pointercancel', end);
    this.root.addEventListener('dblclick', () => o.reset?.());
    this.root.addEventListener('keydown', (e) => {
      const back = this.o.orientation === 'horizontal' ? 'ArrowUp' : 'ArrowLeft';
      const forth = this.o.orientation === 'horizontal' ? 'ArrowDown' : 'ArrowRight';
      if (e.key === back || e.key === forth) this.set(o.current() + (e.key === forth ? KEY_STEP_PX : -KEY_STEP_PX));
      else if (e.key === 'Home' && o.reset) o.reset();
      else return;
      e.preventDefault();
    });
  }

  /** A split whose panes changed from side by side to stacked (or back). */
  setOrientation(orientation: 'horizontal' | 'vertical'): void {
    this.o.orientation = orientation;
    this.root.className = `splitter ${orientation}`;
    this.root.setAttribute('aria-orientation', orientation);
  }

  private set(px: number): void {
    const { min, max } = this.o.bounds();
    this.o.resize(Math.round(Math.max(min, Math.min(Math.max(min, max), px))));
  }
}
