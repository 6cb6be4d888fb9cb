/** The toolbar and replay bar: buttons, search/filter inputs, run status. DOM only, no state of its own. */
import type { RunProgress } from '../shared/protocol';
import type { TraceModel } from '../shared/traceModel';
import { button, clear, el } from './dom';
import { formatCount } from './format';
import { shortLaneNamer } from './laneNames';
import { MARKER_CATEGORIES } from './markerStyle';
import type { StepFilter } from './filter';
import { OverflowMenu } from './overflowMenu';

export interface ToolbarActions {
  fit(): void;
  zoom(factor: number): void;
  toggleFlows(): void;
  toggleInternal(): void;
  filter(f: StepFilter): void;
  exportTrace(): void;
  openTrace(): void;
  rerun(): void;
  stop(): void;
  replayStep(delta: number): void;
  replayTo(step: number): void;
  togglePlay(): void;
}

export class Toolbar {
  readonly root = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline' });
  readonly replayBar = el('div', { class: 'replay', role: 'group', 'aria-label': 'Replay' });
  private readonly title = el('span', { class: 'title' });
  private readonly flowsBtn: HTMLButtonElement;
  private readonly internalBtn: HTMLButtonElement;
  private readonly search = el('input', {
    type: 'search',
    placeholder: 'Search steps',
    'aria-label': 'Search steps',
    class: 'search',
  });
  private readonly laneSelect = el('select', { class: 'lane-filter', 'aria-label': 'Filter by lane' });
  private readonly kindSelect = el('select', { 'aria-label': 'Filter by kind' });
  private readonly status = el('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly progress = el('progress', { class: 'progress', 'aria-label': 'Run progress' });
  private readonly stopBtn: HTMLButtonElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly scrubber = el('input', {
    type: 'range',
    min: '0',
    max: '0',
    value: '0',
    step: '1',
    'aria-label': 'Replay position',
    class: 'scrubber',
  });
  private readonly replayLabel = el('span', { class: 'replay-label' });
  private searchTimer = 0;
  private readonly overflow: OverflowMenu;

  constructor(actions: ToolbarActions) {
    const a = actions;
    this.flowsBtn = button('⤳ All arrows', 'Show all flow arrows', () => a.toggleFlows(), 'toggle');
    this.internalBtn = button('Internal lanes', 'Show runtime-internal lanes', () => a.toggleInternal(), 'toggle');
    this.stopBtn = button('■ Stop', 'Stop the run', () => a.stop(), 'danger');
    this.stopBtn.hidden = true;
    this.progress.hidden = true;
    const zoomGroup = el('span', { class: 'group' });
    zoomGroup.append(
      button('Fit', 'Fit the whole run (0)', () => a.fit()),
      button('−', 'Zoom out (-)', () => a.zoom(1 / 1.6)),
      button('+', 'Zoom in (+)', () => a.zoom(1.6)),
    );
    this.kindSelect.append(el('option', { value: '' }, 'All kinds'), el('option', { value: 'call' }, 'Function calls'));
    for (const c of MARKER_CATEGORIES) this.kindSelect.append(el('option', { value: c.id }, c.label));
    const onFilter = (): void => a.filter(this.readFilter());
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(onFilter, 120);
    });
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        window.clearTimeout(this.searchTimer);
        onFilter();
      }
    });
    this.laneSelect.addEventListener('change', onFilter);
    this.kindSelect.addEventListener('change', onFilter);
    const spacer = el('span', { class: 'spacer' });
    const openBtn = button('Open…', 'Open a saved trace', () => a.openTrace());
    const exportBtn = button('Export…', 'Export the trace (Chrome trace JSON)', () => a.exportTrace());
    this.root.append(
      this.title,
      zoomGroup,
      this.search,
      this.flowsBtn,
      this.internalBtn,
      this.laneSelect,
      this.kindSelect,
      spacer,
      this.progress,
      this.status,
      this.stopBtn,
      button('↻ Re-run', 'Run the program again', () => a.rerun()),
      openBtn,
      exportBtn,
    );
    // What moves into the "⋯" menu first when the row is too narrow (last in this list goes first).
    this.overflow = new OverflowMenu(this.root, [
      this.flowsBtn,
      this.internalBtn,
      this.laneSelect,
      this.kindSelect,
      openBtn,
      exportBtn,
    ]);
    this.playBtn = button('▶', 'Play replay (space)', () => a.togglePlay(), 'play');
    this.scrubber.addEventListener('input', () => a.replayTo(Number(this.scrubber.value)));
    this.replayBar.append(
      el('span', { class: 'replay-title' }, 'Replay'),
      button('◂', 'Step back', () => a.replayStep(-1)),
      this.playBtn,
      button('▸', 'Step forward', () => a.replayStep(1)),
      this.scrubber,
      this.replayLabel,
    );
    this.setFlows(false);
    this.setInternal(false);
  }

  readFilter(): StepFilter {
    const kind = this.kindSelect.value as StepFilter['kind'];
    return { text: this.search.value, lane: Number(this.laneSelect.value), kind };
  }

  setTitle(text: string): void {
    this.title.textContent = text;
    this.title.title = text;
  }

  setLanes(model: TraceModel): void {
    const lanes = model.lanes;
    const keep = this.laneSelect.value;
    clear(this.laneSelect);
    this.laneSelect.append(el('option', { value: '-1' }, 'All lanes'));
    // Indented as a tree when open; closed, the select shows the chosen lane's text alone, so each names its
    // lane alone as the step list does ("Process-1 › MainThread", not one of several "MainThread"s).
    const name = shortLaneNamer(model);
    for (const l of lanes) {
      const indent = '\u00a0\u00a0'.repeat(Math.max(0, l.depth));
      this.laneSelect.append(
        el('option', { value: String(l.id) }, `${indent}${name(l.id)}${l.internal ? ' (internal)' : ''}`),
      );
    }
    this.laneSelect.value = keep !== '' && Number(keep) < lanes.length ? keep : '-1';
  }

  setFlows(on: boolean): void {
    this.flowsBtn.setAttribute('aria-pressed', String(on));
  }

  setInternal(on: boolean): void {
    this.internalBtn.setAttribute('aria-pressed', String(on));
  }

  setProgress(p: RunProgress | null): void {
    const running = p !== null && (p.state === 'starting' || p.state === 'running' || p.state === 'finishing');
    this.stopBtn.hidden = !running;
    this.progress.hidden = !running;
    this.progress.removeAttribute('value');
    this.status.textContent = p === null ? '' : running ? `${p.message} · ${formatCount(p.events)} events` : p.message;
    this.overflow.refit();
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** Re-fits the toolbar row after something appeared in it or the panel changed width. */
  refit(): void {
    this.overflow.refit();
  }

  setReplay(position: number, total: number, playing: boolean): void {
    this.scrubber.max = String(Math.max(0, total - 1));
    this.scrubber.value = String(position < 0 ? Math.max(0, total - 1) : position);
    this.scrubber.disabled = total === 0;
    this.replayLabel.textContent =
      total === 0
        ? 'no steps'
        : position < 0
          ? `all ${formatCount(total)} steps`
          : `step ${formatCount(position + 1)} / ${formatCount(total)}`;
    this.playBtn.textContent = playing ? '❚❚' : '▶';
    this.playBtn.setAttribute('aria-label', playing ? 'Pause replay (space)' : 'Play replay (space)');
    this.playBtn.setAttribute('aria-pressed', String(playing));
  }
}
