/** Program output, each line tagged with the lane that printed it. Text only; clicking selects its step. */
import type { TraceModel } from '../shared/traceModel';
import { clear, el } from './dom';
import { formatCount } from './format';

/** More lines than this are summarised: the pane is for reading, the trace file keeps everything. */
const MAX_LINES = 1000;

export class OutputPane {
  readonly root = el('div', { class: 'output', role: 'log', 'aria-label': 'Program output', tabindex: '0' });
  private shownFor: TraceModel | null = null;
  private shownCount = 0;

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
    // A live snapshot only ever adds lines at the end: append instead of rebuilding (keeps scroll).
    const append = this.shownFor !== null && this.shownCount <= lines.length && this.shownCount > 0 &&
      this.shownFor.output[this.shownCount - 1]?.order === lines[this.shownCount - 1]?.order;
    if (!append) {
      clear(this.root);
      this.shownCount = 0;
    }
    this.shownFor = model;
    if (lines.length === 0 && this.shownCount === 0) {
      this.root.append(el('div', { class: 'empty' }, 'No output.'));
      return;
    }
    this.root.querySelector('.empty, .more')?.remove();
    const stuckToBottom = this.root.scrollTop + this.root.clientHeight >= this.root.scrollHeight - 4;
    const end = Math.min(lines.length, MAX_LINES);
    for (let i = this.shownCount; i < end; i++) {
      const o = lines[i];
      const lane = model.lanes[o.lane];
      const row = el('div', { class: `line ${o.stream}`, tabindex: '-1' });
      row.dataset.order = String(o.order);
      const tag = el('span', { class: 'tag', title: lane ? `${lane.kind} ${lane.name}` : '' }, lane ? lane.name : '?');
      tag.style.borderColor = laneColor(o.lane);
      tag.style.color = laneColor(o.lane);
      row.append(tag, el('span', { class: 'text' }, o.text));
      this.root.append(row);
    }
    this.shownCount = end;
    if (lines.length > MAX_LINES) this.root.append(el('div', { class: 'more' }, `… ${formatCount(lines.length - MAX_LINES)} more lines (export the trace to see all)`));
    if (append && stuckToBottom) this.root.scrollTop = this.root.scrollHeight;
  }

  /** Marks the output lines printed by this step's order. */
  highlight(order: number): void {
    for (const n of Array.from(this.root.querySelectorAll('.line.selected'))) n.classList.remove('selected');
    const hit = this.root.querySelector(`.line[data-order="${order}"]`);
    if (hit) {
      hit.classList.add('selected');
      hit.scrollIntoView({ block: 'nearest' });
    }
  }
}
