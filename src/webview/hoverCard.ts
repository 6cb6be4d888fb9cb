/** The details card shown over the canvas. Every value is set as text. */
import type { TraceModel } from '../shared/traceModel';
import { clear, el } from './dom';
import { lanePathNamer } from './laneNames';
import { cpuFraction, formatDuration, formatOffset, formatPercent } from './format';
import type { EventRef } from './viewState';

/** `step` is the event's position in the step list (0-based; -1 when it has none): numbers are 1…N everywhere. */
export function cardRows(model: TraceModel, ref: EventRef, step = -1): { title: string; rows: [string, string][] } {
  const stepRow: [string, string][] = step >= 0 ? [['step', `${step + 1} of ${model.steps.length}`]] : [];
  const src = (id: number, line: number): string => {
    const s = model.sources[id];
    return s && line > 0 ? `${s.label}:${line + model.lineOffset}` : '—';
  };
  if (ref.type === 'span') {
    const sp = model.spans[ref.index];
    const lane = model.lanes[sp.lane];
    const wall = sp.end - sp.start;
    const frac = cpuFraction(sp.cpu, sp.start, sp.end);
    const rows: [string, string][] = [
      ['lane', lane ? `${lane.kind} ${lanePathNamer(model)(sp.lane)}` : '?'],
      ['start', formatOffset(sp.start)],
      ['duration', `${formatDuration(wall)}${sp.open ? ' (never returned)' : ''}`],
      ['on CPU', sp.cpu < 0 ? 'unknown' : `${formatDuration(sp.cpu)} (${formatPercent(frac)})`],
      ['waiting/off CPU', sp.cpu < 0 ? 'unknown' : formatDuration(Math.max(0, wall - sp.cpu))],
      ['source', src(sp.source, sp.line)],
      ...stepRow,
    ];
    return { title: `${sp.qualname || sp.name}()`, rows };
  }
  const m = model.markers[ref.index];
  const lane = model.lanes[m.lane];
  const rows: [string, string][] = [
    ['kind', m.kind],
    ['lane', lane ? `${lane.kind} ${lanePathNamer(model)(m.lane)}` : '?'],
    ['time', formatOffset(m.ts)],
  ];
  if (m.waitEnd !== undefined) rows.push(['waited', formatDuration(m.waitEnd - m.ts)]);
  for (const [k, v] of Object.entries(m.detail)) rows.push([k, v]);
  rows.push(['source', src(m.source, m.line)], ...stepRow);
  return { title: m.label, rows };
}

export class HoverCard {
  readonly root = el('div', { class: 'hovercard', role: 'tooltip' });

  constructor() {
    this.root.hidden = true;
  }

  show(model: TraceModel, ref: EventRef, step: number, x: number, y: number, bounds: DOMRect): void {
    const { title, rows } = cardRows(model, ref, step);
    clear(this.root);
    this.root.append(el('div', { class: 'card-title' }, title));
    const table = el('dl');
    for (const [k, v] of rows) table.append(el('dt', {}, k), el('dd', {}, v));
    this.root.append(table);
    this.place(x, y, bounds);
  }

  /** Just a title: a lane name the label column cut short. */
  showTitle(title: string, x: number, y: number, bounds: DOMRect): void {
    clear(this.root);
    this.root.append(el('div', { class: 'card-title' }, title));
    this.place(x, y, bounds);
  }

  private place(x: number, y: number, bounds: DOMRect): void {
    this.root.hidden = false;
    const w = this.root.offsetWidth;
    const h = this.root.offsetHeight;
    const left = x + 14 + w > bounds.width ? Math.max(0, x - w - 10) : x + 14;
    const top = y + 14 + h > bounds.height ? Math.max(0, y - h - 10) : y + 14;
    this.root.style.left = `${left}px`;
    this.root.style.top = `${top}px`;
  }

  hide(): void {
    this.root.hidden = true;
  }
}
