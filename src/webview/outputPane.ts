/** Program output, each line tagged with the lane that printed it. Text only; clicking selects its step. */
import { laneNameParts, lanePathNamer } from './laneNames';
import type { TraceModel } from '../shared/traceModel';
import { button, clear, el, laneNameSpans } from './dom';
import { formatCount } from './format';
import { printNumbers } from './printNumbers';

/**
 * Lines shown at once: the pane shows a window of the output, moved by its "earlier" / "more" buttons
 * and to whatever line a selected step printed (a program printing in a loop easily passes this).
 */
export const WINDOW_LINES = 1000;

/**
 * Lines per block: the blocks, not the lines, skip their rendering while out of view (content-visibility:
 * auto in timeline.css). Chromium checks every such element's visibility on each frame the page paints,
 * the canvas's zoom and pan frames included: with one per line that was ~1.7 ms of a 100k-event frame.
 */
export const BLOCK_LINES = 50;

export class OutputPane {
  readonly root = el('div', { class: 'output', role: 'log', 'aria-label': 'Program output', tabindex: '0' });
  private model: TraceModel | null = null;
  private laneColor: (lane: number) => string = () => '';
  private laneName: (lane: number) => string = () => '?';
  /** model.output[start, end) are the rows shown. */
  private start = 0;
  private end = 0;
  /** Replay cursor's step order (-1: not replaying): lines after it are future, the last one before it current. */
  private replayOrder = -1;

  constructor(private readonly onPick: (order: number) => void) {
    this.root.addEventListener('click', (e) => {
      const line = (e.target as HTMLElement).closest('.line');
      if (line instanceof HTMLElement && line.dataset.order !== undefined) onPick(Number(line.dataset.order));
    });
    this.root.addEventListener('keydown', (e) => {
      const line = (e.target as HTMLElement).closest('.line');
      if ((e.key === 'Enter' || e.key === ' ') && line instanceof HTMLElement && line.dataset.order !== undefined) {
        e.preventDefault();
        this.onPick(Number(line.dataset.order));
      }
    });
  }

  setModel(model: TraceModel, laneColor: (lane: number) => string): void {
    const lines = model.output;
    // A live snapshot only ever adds lines at the end: extend the window instead of rebuilding (keeps scroll).
    const previous = this.model;
    const append =
      previous !== null &&
      this.end > 0 &&
      this.end <= lines.length &&
      previous.output[this.end - 1]?.order === lines[this.end - 1]?.order;
    this.model = model;
    this.laneColor = laneColor;
    this.laneName = lanePathNamer(model);
    // One tag width for every line (the text starts in one column), as wide as the lanes' names need, within limits.
    const longest = model.lanes.reduce((n, l) => (l.internal ? n : Math.max(n, this.laneName(l.id).length)), 0);
    this.root.style.setProperty('--out-tag', `${Math.round(Math.min(160, Math.max(40, 12 + longest * 6.2)))}px`);
    if (!append) {
      this.show(0);
      return;
    }
    const stuckToBottom = this.root.scrollTop + this.root.clientHeight >= this.root.scrollHeight - 4;
    this.fill();
    if (stuckToBottom) this.root.scrollTop = this.root.scrollHeight;
  }

  /** Marks the output lines printed by this step's order (a burst's several), moving the window to them if needed. */
  highlight(order: number): void {
    for (const n of Array.from(this.root.querySelectorAll('.line.selected'))) n.classList.remove('selected');
    const lines = this.model?.output;
    if (!lines) return;
    const i = indexOfOrder(lines, order);
    if (i < 0) return;
    if (i < this.start || i >= this.end)
      this.show(Math.max(0, Math.min(i - WINDOW_LINES / 2, lines.length - WINDOW_LINES)));
    const hits = Array.from(this.root.querySelectorAll(`.line[data-order="${order}"]`));
    for (const hit of hits) hit.classList.add('selected');
    hits[0]?.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Follows the replay cursor (its step's order, -1 when replay ends): the last line printed up to it
   * is marked current and scrolled into view, the lines printed after it are marked future.
   */
  setReplay(order: number): void {
    this.replayOrder = order;
    const lines = this.model?.output;
    if (!lines || lines.length === 0) return;
    const i = order < 0 ? -1 : lastAtOrBefore(lines, order);
    if (i >= 0 && (i < this.start || i >= this.end))
      this.show(Math.max(0, Math.min(i - WINDOW_LINES / 2, lines.length - WINDOW_LINES)));
    else this.markReplay();
    const cur = this.root.querySelector('.line.current');
    cur?.scrollIntoView({ block: 'nearest' });
  }

  private markReplay(): void {
    const order = this.replayOrder;
    let current: Element | null = null;
    for (const row of Array.from(this.root.querySelectorAll<HTMLElement>('.line'))) {
      const o = Number(row.dataset.order);
      const future = order >= 0 && o > order;
      row.classList.toggle('future', future);
      row.classList.remove('current');
      if (order >= 0 && !future) current = row;
    }
    current?.classList.add('current');
  }

  /** Rebuilds the pane as the window starting at output line `start`. */
  private show(start: number): void {
    const lines = this.model?.output ?? [];
    clear(this.root);
    this.start = this.end = start;
    if (lines.length === 0) {
      this.root.append(el('div', { class: 'empty' }, 'No output.'));
      return;
    }
    if (start > 0) {
      const earlier = button(
        `… ${formatCount(start)} earlier lines`,
        `Show the ${formatCount(Math.min(start, WINDOW_LINES))} lines before these`,
        () => this.show(Math.max(0, start - WINDOW_LINES)),
        'more earlier',
      );
      this.root.append(earlier);
    }
    this.fill();
  }

  /** Adds rows up to the window's size and the "more" button for what is past it. */
  private fill(): void {
    const model = this.model;
    if (!model) return;
    const lines = model.output;
    this.root.querySelector('.more.later')?.remove();
    const end = Math.min(lines.length, this.start + WINDOW_LINES);
    let block = this.root.querySelector<HTMLElement>(':scope > .lines:last-of-type');
    for (let i = this.end; i < end; i++) {
      if (block === null || (i - this.start) % BLOCK_LINES === 0) {
        block = el('div', { class: 'lines' });
        this.root.append(block);
      }
      const o = lines[i];
      const lane = model.lanes[o.lane];
      const row = el('div', { class: `line ${o.stream}`, tabindex: '-1' });
      row.dataset.order = String(o.order);
      const tag = el('span', { class: 'tag', title: lane ? `${lane.kind} ${this.laneName(o.lane)}` : '' });
      tag.append(...laneNameSpans(laneNameParts(model, this.laneName(o.lane), o.lane)));
      tag.style.borderColor = this.laneColor(o.lane);
      tag.style.color = this.laneColor(o.lane);
      // The print's number, as beside it on the canvas (on its first line only).
      const n = i > 0 && lines[i - 1].order === o.order ? undefined : printNumbers(model).byOrder.get(o.order);
      row.append(
        el('span', { class: 'num' }, n !== undefined ? String(n) : ''),
        tag,
        el('span', { class: 'text' }, o.text),
      );
      block.append(row);
    }
    this.end = Math.max(this.end, end);
    if (this.replayOrder >= 0) this.markReplay();
    if (lines.length > this.end) {
      const next = this.end;
      this.root.append(
        button(
          `… ${formatCount(lines.length - next)} more lines`,
          `Show the ${formatCount(Math.min(lines.length - next, WINDOW_LINES))} lines after these`,
          () => this.show(next),
          'more later',
        ),
      );
    }
  }
}

/** Index of the last output line printed at or before this step order, or -1. */
function lastAtOrBefore(lines: TraceModel['output'], order: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].order <= order) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Index of the first output line with this step order (lines are in order; a burst shares one), or -1. */
function indexOfOrder(lines: TraceModel['output'], order: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].order < order) lo = mid + 1;
    else hi = mid;
  }
  return lo < lines.length && lines[lo].order === order ? lo : -1;
}
