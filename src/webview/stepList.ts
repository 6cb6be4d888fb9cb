/**
 * The execution-order list, virtualised: only the rows in view exist in the DOM, however many
 * steps the run has. Past a few hundred thousand rows the scroll height is scaled down (browsers
 * cap element heights), and scroll position maps proportionally onto the row range.
 */
import { laneNameParts, lanePathNamer, shortLaneNamer } from './laneNames';
import type { TraceModel } from '../shared/traceModel';
import { button, clear, el, laneNameSpans } from './dom';
import { formatOffset } from './format';
import { Splitter } from './splitter';

export const ROW_H = 20;
/** Well below Chromium's ~16.7M px element height limit. */
const MAX_SCROLL_PX = 8_000_000;

export interface StepListActions {
  /** A row was chosen; `focusEditor` when the user pressed Enter (reveal without preserving focus). */
  select(step: number, focusEditor: boolean): void;
  /** The user dragged the LANE column to this width (CSS px). */
  laneWidth(px: number | undefined): void;
  /** The header's "N internal steps folded" was pressed: show the runtime-internal lanes. */
  showInternal(): void;
}

/** Width of the LANE column's longest name, estimated per character of the 12 px UI font. */
const LANE_CHAR_PX = 6.8;
const MAX_LANE_COL_PX = 240;
/** A narrow panel (as timeline.css says): the LANE column names each lane by its shortest unambiguous name. */
const NARROW = '(max-width: 820px)';

export class StepList {
  readonly root = el('div', { class: 'steps', tabindex: '0', role: 'listbox', 'aria-label': 'Execution order' });
  private readonly spacer = el('div', { class: 'steps-spacer' });
  private readonly win = el('div', { class: 'steps-window' });
  private readonly header = el('div', { class: 'steps-header', 'aria-hidden': 'true' });
  /**
   * "N internal steps folded" in the header of the list it speaks of (not the toolbar's status, which a
   * narrow panel shrinks away); pressing it shows the internal lanes. Hidden when nothing is folded.
   */
  private readonly foldNote: HTMLButtonElement;
  private model: TraceModel | null = null;
  private rows: Int32Array = new Int32Array(0);
  private selected = -1;
  private cursor = new Set<number>();
  private replay = -1;
  private laneColors: (lane: number) => string = () => 'transparent';
  private laneName: (lane: number) => string = () => '?';
  /** What the LANE cell says: the path, or in a narrow panel the shortest name that tells the lane apart. */
  private laneCellName: (lane: number) => string = () => '?';
  private readonly narrow = window.matchMedia(NARROW);
  private pending = false;
  /** The LANE column's width the user chose, else it follows the longest lane name. */
  private userLaneWidth: number | undefined;
  private autoLaneWidth = '150px';

  constructor(private readonly actions: StepListActions) {
    for (const [cls, text] of [
      ['n', '#'],
      ['t', 'time'],
      ['lane', 'lane'],
      ['text', 'step'],
      ['src', 'source'],
    ]) {
      this.header.append(el('span', { class: cls }, text));
    }
    this.foldNote = button('', '', () => actions.showInternal(), 'fold-note');
    this.foldNote.hidden = true;
    const textHead = this.header.querySelector('.text') as HTMLElement;
    textHead.replaceChildren(el('span', { class: 'label', 'aria-hidden': 'true' }, 'step'), this.foldNote);
    const laneHead = this.header.querySelector('.lane') as HTMLElement;
    const resizer = new Splitter({
      orientation: 'vertical',
      label: 'Resize the lane column',
      current: () => laneHead.getBoundingClientRect().width,
      bounds: () => ({ min: 40, max: Math.max(40, this.header.getBoundingClientRect().width - 260) }),
      resize: (px) => actions.laneWidth(px),
      reset: () => actions.laneWidth(undefined),
    });
    // The header is hidden from screen readers (the rows say it all); its handle must not be.
    this.header.removeAttribute('aria-hidden');
    for (const cell of Array.from(this.header.children))
      if (cell !== textHead) cell.setAttribute('aria-hidden', 'true');
    resizer.root.classList.add('col-resizer');
    laneHead.append(resizer.root);
    this.root.append(this.spacer, this.win);
    this.root.addEventListener('scroll', () => this.schedule());
    this.root.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest('.step');
      if (row instanceof HTMLElement && row.dataset.step !== undefined) actions.select(Number(row.dataset.step), false);
    });
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(this.root);
    this.narrow.addEventListener('change', () => {
      if (this.model) this.setData(this.model, this.rows, this.laneColors);
    });
  }

  get headerEl(): HTMLElement {
    return this.header;
  }

  setData(model: TraceModel, rows: Int32Array, laneColors: (lane: number) => string): void {
    this.model = model;
    this.rows = rows;
    this.laneColors = laneColors;
    this.laneName = lanePathNamer(model);
    this.laneCellName = this.narrow.matches ? shortLaneNamer(model) : this.laneName;
    // A narrow panel gives the step's text the room: SOURCE shrinks to the line number ("L12").
    const srcHead = this.header.querySelector('.src');
    if (srcHead) srcHead.textContent = this.narrow.matches ? 'line' : 'source';
    // The LANE column is as wide as its longest name needs (up to a limit), so names are not cut off.
    const longest = model.lanes.reduce((n, l) => (l.internal ? n : Math.max(n, this.laneCellName(l.id).length)), 0);
    this.autoLaneWidth = `${Math.round(Math.min(MAX_LANE_COL_PX, 24 + longest * LANE_CHAR_PX))}px`;
    this.applyLaneWidth();
    this.spacer.style.height = `${Math.min(rows.length * ROW_H, MAX_SCROLL_PX)}px`;
    this.render();
  }

  /** How many of the steps are not listed because their lanes are folded into "N internal lanes" rows. */
  setFolded(n: number): void {
    const text = `${n} internal step${n === 1 ? '' : 's'} folded`;
    this.foldNote.hidden = n === 0;
    this.foldNote.replaceChildren(
      el('span', { class: 'long' }, text),
      el('span', { class: 'short', 'aria-hidden': 'true' }, `${n} folded`),
    );
    this.foldNote.setAttribute('aria-label', `${text}: show the internal lanes`);
    this.foldNote.title = `${text}: show the internal lanes`;
  }

  /** A LANE column width the user chose (undefined: follow the names again). */
  setLaneWidth(px: number | undefined): void {
    this.userLaneWidth = px;
    this.applyLaneWidth();
  }

  private applyLaneWidth(): void {
    const width = this.userLaneWidth !== undefined ? `${this.userLaneWidth}px` : this.autoLaneWidth;
    for (const node of [this.root, this.header]) {
      node.style.setProperty('--lane-col', width);
      node.classList.toggle('lane-sized', this.userLaneWidth !== undefined);
    }
  }

  get visibleSteps(): Int32Array {
    return this.rows;
  }

  setSelected(step: number, scroll: boolean): void {
    this.selected = step;
    if (scroll && step >= 0) this.scrollToStep(step);
    this.render();
  }

  setCursor(steps: number[]): void {
    this.cursor = new Set(steps);
    this.render();
  }

  setReplay(step: number): void {
    this.replay = step;
    this.render();
  }

  /** Position of a step in the (possibly filtered) list: binary search, rows are ascending. */
  positionOf(step: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid] < step) lo = mid + 1;
      else if (this.rows[mid] > step) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  private scaled(): { total: number; scroll: number } {
    const view = this.root.clientHeight;
    const total = this.rows.length * ROW_H;
    return { total: Math.max(1, total - view), scroll: Math.max(1, Math.min(total, MAX_SCROLL_PX) - view) };
  }

  private firstRow(): number {
    const { total, scroll } = this.scaled();
    const contentTop =
      this.rows.length * ROW_H <= MAX_SCROLL_PX ? this.root.scrollTop : (this.root.scrollTop / scroll) * total;
    return Math.max(0, Math.floor(contentTop / ROW_H));
  }

  private scrollToStep(step: number): void {
    const pos = this.positionOf(step);
    if (pos < 0) return;
    const view = this.root.clientHeight;
    const visible = Math.max(1, Math.floor(view / ROW_H) - 1);
    const first = this.firstRow();
    if (pos >= first && pos < first + visible) return;
    const targetTop = Math.max(0, pos * ROW_H - view / 3);
    const { total, scroll } = this.scaled();
    this.root.scrollTop = this.rows.length * ROW_H <= MAX_SCROLL_PX ? targetTop : (targetTop / total) * scroll;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private render(): void {
    const model = this.model;
    clear(this.win);
    if (model === null) return;
    const view = this.root.clientHeight || 400;
    const count = Math.ceil(view / ROW_H) + 2;
    const first = Math.min(this.firstRow(), Math.max(0, this.rows.length - count + 2));
    const scaledList = this.rows.length * ROW_H > MAX_SCROLL_PX;
    const narrow = this.narrow.matches;
    this.win.style.top = `${scaledList ? this.root.scrollTop : first * ROW_H}px`;
    for (let p = first; p < Math.min(this.rows.length, first + count); p++) {
      const i = this.rows[p];
      const st = model.steps[i];
      const row = el('div', {
        class: 'step',
        role: 'option',
        id: `step-${i}`,
        'aria-selected': String(i === this.selected),
      });
      row.dataset.step = String(i);
      if (i === this.selected) row.classList.add('selected');
      if (this.cursor.has(i)) row.classList.add('cursor');
      if (this.replay >= 0 && i > this.replay) row.classList.add('future');
      if (st.ref.type === 'marker' && model.markers[st.ref.index]?.severity === 'error') row.classList.add('error');
      const chip = el('span', { class: 'chip' });
      chip.style.backgroundColor = this.laneColors(st.lane);
      const laneCell = el('span', { class: 'lane' });
      laneCell.append(chip, ...laneNameSpans(laneNameParts(model, this.laneCellName(st.lane), st.lane)));
      laneCell.title = this.laneName(st.lane);
      const src = model.sources[st.source];
      // Lines are shown as the user's document numbers them (a selection run is offset).
      const line = st.line + model.lineOffset;
      const where = src && st.line > 0 ? `${src.label}:${line}` : '';
      const srcCell = el('span', { class: 'src' });
      if (where && narrow) srcCell.append(`L${line}`);
      // A long file name gives way, its line number never does ("asyncio_bloc…:12").
      else if (where)
        srcCell.append(el('span', { class: 'src-file' }, src.label), el('span', { class: 'src-line' }, `:${line}`));
      if (where) srcCell.title = where;
      const text = el('span', { class: 'text' }, st.text);
      if (narrow) text.title = st.text;
      row.append(
        el('span', { class: 'n' }, String(i + 1)),
        el('span', { class: 't' }, formatOffset(st.ts)),
        laneCell,
        text,
        srcCell,
      );
      this.win.append(row);
    }
    if (this.selected >= 0 && this.positionOf(this.selected) >= 0)
      this.root.setAttribute('aria-activedescendant', `step-${this.selected}`);
    else this.root.removeAttribute('aria-activedescendant');
  }

  private onKey(e: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const page = Math.max(1, Math.floor(this.root.clientHeight / ROW_H) - 1);
    const pos = this.selected >= 0 ? this.positionOf(this.selected) : -1;
    let next = -2;
    if (e.key === 'ArrowDown') next = pos + 1;
    else if (e.key === 'ArrowUp') next = pos < 0 ? 0 : pos - 1;
    else if (e.key === 'PageDown') next = pos + page;
    else if (e.key === 'PageUp') next = pos - page;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.rows.length - 1;
    else if (e.key === 'Enter' && this.selected >= 0) {
      this.actions.select(this.selected, true);
      e.preventDefault();
      return;
    }
    if (next === -2) return;
    e.preventDefault();
    this.actions.select(this.rows[Math.max(0, Math.min(this.rows.length - 1, next))], false);
  }
}
