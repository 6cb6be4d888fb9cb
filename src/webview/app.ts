/** The timeline controller: owns the view state, routes host messages and user actions to the parts. */
import type { HostMessage, WebviewMessage } from '../shared/protocol';
import { decodeTraceColumnsDeferred, type EventColumns } from '../shared/traceColumns';
import type { TraceModel } from '../shared/traceModel';
import { raceSentences } from '../shared/raceText';
import { Banner } from './banner';
import { CanvasView, type CanvasHost } from './canvasView';
import { el } from './dom';
import { lastFlows } from './flows';
import { lastWaits, type DrawnWait } from './waitGraph';
import {
  eventMatches,
  filterSteps,
  isFilterActive,
  laneSubtree,
  NO_FILTER,
  stepsOnLine,
  type StepFilter,
} from './filter';
import { RULER_H, foldedLanesChanged, layoutLanes, unfoldedSteps, type Row } from './layout';
import { buildModelIndex, laneDepths, stepAtOrder } from './modelIndex';
import { lanePathNamer } from './laneNames';
import { Legend } from './legend';
import { waitsAtStop } from '../shared/waitFor';
import { OutputPane } from './outputPane';
import { eventRect, lastFrameFills } from './renderer';
import { StepList } from './stepList';
import { laneColor, readTheme, watchTheme, type Theme } from './theme';
import { Splitter } from './splitter';
import { Toolbar } from './toolbar';
import { readPrefs, writePrefs, type StateStore, type ViewPrefs } from './viewPrefs';
import {
  fitWindow,
  foldedStartup,
  isFitted,
  panWindow,
  programWindow,
  revealTime,
  zoomWindow,
  type TimeWindow,
} from './viewport';
import { GUTTER_W, eventTime, type EventRef, type ViewState } from './viewState';

export type Post = (msg: WebviewMessage) => void;

const REPLAY_INTERVAL_MS = 350;
/** 'traceColumns' models with more events than this draw their first frame before their objects are made. */
const DEFER_OBJECTS_ABOVE = 20_000;
/** Objects made per task after the first frame: ~10–20 ms of work, so input keeps flowing. */
const OBJECTS_PER_TASK = 50_000;

export class TimelineApp implements CanvasHost {
  private v: ViewState | null = null;
  private currentTheme: Theme;
  private readonly layoutState: {
    collapsed: Set<number>;
    internalShown: Set<number>;
    showAllInternal: boolean;
    laneFilter: number;
  } = {
    collapsed: new Set(),
    internalShown: new Set(),
    showAllInternal: false,
    laneFilter: -1,
  };
  private filterState: StepFilter = NO_FILTER;
  private playTimer = 0;
  private modelToken = 0;
  /** Set when a trace arrives, cleared when its first frame is painted and reported. */
  private paintToReport: boolean | undefined;
  private readonly toolbar: Toolbar;
  private readonly banner = new Banner();
  private readonly canvas: CanvasView;
  private readonly list: StepList;
  private readonly output: OutputPane;
  private readonly legend = new Legend((open) => this.savePrefs({ legendOpen: open }));
  /** Screen readers hear what got selected on the canvas. */
  private readonly announcer = el('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

  /** Sizes the user dragged, remembered in the webview state. */
  private readonly prefs: ViewPrefs;
  private readonly bottom = el('div', { class: 'bottom' });
  private readonly stepsPane = el('section', { class: 'pane steps-pane', 'aria-label': 'Execution order' });
  private readonly listSplit: Splitter;
  /** Panels this narrow stack the list over the output (the stylesheet's breakpoint). */
  private readonly narrow = window.matchMedia('(max-width: 820px)');

  constructor(
    root: HTMLElement,
    private readonly post: Post,
    private readonly store?: StateStore,
  ) {
    this.prefs = readPrefs(store);
    this.currentTheme = readTheme();
    this.toolbar = new Toolbar({
      fit: () => this.fit(),
      zoom: (f) => this.zoom(f),
      toggleFlows: () => this.toggleFlows(),
      toggleInternal: () => this.toggleInternal(),
      filter: (f) => this.applyFilter(f),
      exportTrace: () => post({ type: 'export' }),
      openTrace: () => post({ type: 'open' }),
      rerun: () => post({ type: 'rerun' }),
      stop: () => post({ type: 'stop' }),
      replayStep: (d) => this.replayStep(d),
      replayTo: (s) => this.replayTo(s),
      togglePlay: () => this.togglePlay(),
    });
    this.canvas = new CanvasView(this);
    this.list = new StepList({
      select: (step, focusEditor) => this.select(step, { reveal: true, focusEditor, scrollList: true }),
      laneWidth: (px) => this.savePrefs({ laneColPx: px }),
      showInternal: () => {
        if (!this.layoutState.showAllInternal) this.toggleInternal();
      },
    });
    if (this.prefs.laneColPx !== undefined) this.list.setLaneWidth(this.prefs.laneColPx);
    this.output = new OutputPane((order) => this.selectOrder(order));
    const main = el('div', { class: 'main' });
    this.stepsPane.append(this.list.headerEl, this.list.root);
    const outPane = el('section', { class: 'pane output-pane', 'aria-label': 'Output' });
    outPane.append(el('div', { class: 'pane-title' }, 'Output'), this.output.root);
    // Draggable splits: canvas | everything under it, and step list | output.
    const canvasSplit = new Splitter({
      orientation: 'horizontal',
      label: 'Resize the timeline',
      current: () => this.canvas.root.getBoundingClientRect().height,
      bounds: () => ({ min: 80, max: main.getBoundingClientRect().height - 120 }),
      resize: (px) => this.savePrefs({ canvasPx: px }),
      reset: () => this.savePrefs({ canvasPx: undefined }),
    });
    this.listSplit = new Splitter({
      orientation: this.narrow.matches ? 'horizontal' : 'vertical',
      label: 'Resize the step list',
      current: () =>
        this.narrow.matches
          ? this.stepsPane.getBoundingClientRect().height
          : this.stepsPane.getBoundingClientRect().width,
      bounds: () => {
        const r = this.bottom.getBoundingClientRect();
        return { min: 60, max: (this.narrow.matches ? r.height : r.width) - 60 };
      },
      resize: (px) => this.savePrefs(this.narrow.matches ? { listHeightPx: px } : { listWidthPx: px }),
      reset: () => this.savePrefs(this.narrow.matches ? { listHeightPx: undefined } : { listWidthPx: undefined }),
    });
    this.narrow.addEventListener('change', () => {
      this.listSplit.setOrientation(this.narrow.matches ? 'horizontal' : 'vertical');
      this.applySplits();
    });
    this.legend.setOpen(this.prefs.legendOpen ?? !this.narrow.matches);
    this.bottom.append(this.stepsPane, this.listSplit.root, outPane);
    this.legend.render(this.currentTheme);
    main.append(this.canvas.root, canvasSplit.root, this.legend.root, this.toolbar.replayBar, this.bottom);
    this.applySplits();
    root.append(this.toolbar.root, this.banner.root, this.banner.hint, main, this.banner.notice, this.announcer);
    this.toolbar.setReplay(-1, 0, false);
    watchTheme(() => {
      this.currentTheme = readTheme();
      this.legend.render(this.currentTheme);
      this.refreshList();
      this.redraw();
    });
    this.redraw();
  }

  handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'traceJson':
        // (A hint speaks of the model it came after: the next one takes it away.)
        if (!msg.live) this.banner.hideHint();
        this.setModel(parseModel(msg.json), msg.live);
        break;
      case 'traceColumns': {
        if (!msg.live) this.banner.hideHint();
        const began = performance.now();
        const d = decodeTraceColumnsDeferred(msg.head, msg.data);
        performance.measure('timeline-decode', { start: began });
        // A small model is made whole at once; a big one draws from its columns before its objects exist.
        if (d.columns.spanLane.length + d.columns.markerLane.length < DEFER_OBJECTS_ABOVE) {
          d.finish();
          this.setModel(d.model, msg.live, undefined, d.columns);
        } else this.setModel(d.model, msg.live, d.work, d.columns);
        break;
      }
      case 'progress':
        this.toolbar.setProgress(msg.progress);
        break;
      case 'cursor':
        this.setCursor(msg.source, msg.line);
        break;
      case 'notice':
        this.banner.showNotice(msg.level, msg.text);
        break;
      case 'exploreHint':
        this.banner.showHint(msg.text, () => this.post({ type: 'explore' }));
        break;
      case 'snapshot':
        this.post({ type: 'image', id: msg.id, png: this.canvas.canvas.toDataURL('image/png') });
        break;
    }
  }

  // ---- CanvasHost ---------------------------------------------------------------------------

  labelColumn(): number | undefined {
    return this.prefs.gutterPx;
  }

  setLabelColumn(px: number | undefined): void {
    this.savePrefs({ gutterPx: px });
  }

  framePainted(): void {
    // Once per trace received: the host learns when the user first sees it (one tiny message).
    if (this.paintToReport === undefined) return;
    this.post({ type: 'painted', live: this.paintToReport });
    this.paintToReport = undefined;
  }

  view(): ViewState | null {
    return this.v;
  }

  theme(): Theme {
    return this.currentTheme;
  }

  /** Zoom around `anchor` (0..1 across the view: the pointer), else around the selection when it is in view, else the centre. */
  zoom(factor: number, anchor?: number): void {
    const v = this.v;
    if (!v) return;
    let at = anchor ?? 0.5;
    if (anchor === undefined && v.selected >= 0) {
      const ts = v.model.steps[v.selected]?.ts ?? NaN;
      const f = (ts - v.window.start) / (v.window.end - v.window.start);
      if (f >= 0 && f <= 1) at = f;
    }
    this.setWindow(zoomWindow(v.window, factor, at, fitWindow(v.model.duration)));
  }

  pan(fraction: number): void {
    if (!this.v) return;
    this.setWindow(panWindow(this.v.window, fraction, fitWindow(this.v.model.duration)));
  }

  fit(): void {
    if (!this.v) return;
    this.setWindow(programWindow(this.v.model.duration, this.v.startup));
  }

  scrollBy(dy: number): void {
    if (!this.v) return;
    const max = Math.max(0, this.v.layout.height - (this.canvas.viewHeight - RULER_H) + 8);
    const next = Math.max(0, Math.min(max, this.v.scrollY + dy));
    if (next !== this.v.scrollY) {
      this.v.scrollY = next;
      this.redraw();
    }
  }

  selectEvent(ref: EventRef): void {
    if (!this.v) return;
    const step = ref.type === 'span' ? this.v.index.spanStep[ref.index] : this.v.index.markerStep[ref.index];
    if (step !== undefined && step >= 0)
      this.select(step, { reveal: true, focusEditor: false, scrollList: true, keepView: true });
  }

  zoomToEvent(ref: EventRef): void {
    if (!this.v) return;
    const m = this.v.model;
    let start = eventTime(m, ref);
    let end = ref.type === 'span' ? m.spans[ref.index].end : (m.markers[ref.index].waitEnd ?? start);
    const pad = Math.max((end - start) * 0.1, 2000);
    start -= pad;
    end += pad;
    this.setWindow(zoomWindow({ start, end }, 1, 0.5, fitWindow(m.duration)));
  }

  clickGutter(row: Row): void {
    const s = this.layoutState;
    if (row.type === 'internal') {
      if (row.parent < 0) s.showAllInternal = true;
      else s.internalShown.add(row.parent);
      if (s.showAllInternal) this.toolbar.setInternal(true);
    } else if (row.hasChildren) {
      if (s.collapsed.has(row.lane)) s.collapsed.delete(row.lane);
      else s.collapsed.add(row.lane);
    } else return;
    this.relayout();
  }

  stepLane(delta: number): void {
    const v = this.v;
    if (!v || v.model.steps.length === 0) return;
    if (v.selected < 0) {
      this.select(delta > 0 ? 0 : v.model.steps.length - 1, { reveal: true, focusEditor: false, scrollList: true });
      return;
    }
    const lane = v.model.steps[v.selected].lane;
    for (let i = v.selected + delta; i >= 0 && i < v.model.steps.length; i += delta) {
      if (v.model.steps[i].lane === lane) {
        this.select(i, { reveal: true, focusEditor: false, scrollList: true });
        return;
      }
    }
  }

  toggleFold(): void {
    const v = this.v;
    if (!v || v.selected < 0) return;
    const lane = v.model.steps[v.selected].lane;
    const rowOf = (l: number): Row | undefined => v.layout.rows[v.layout.rowOfLane[l]];
    const shown = rowOf(lane);
    if (shown === undefined) return;
    // Folded away (into a collapsed ancestor or an internal group): unfold what hides it.
    if (shown.type === 'internal' || shown.lane !== lane || shown.hasChildren) {
      this.clickGutter(shown);
      return;
    }
    // A lane with nothing under it folds into its parent, as in a tree view.
    const parent = v.model.lanes[lane].parent;
    const parentRow = parent >= 0 ? rowOf(parent) : undefined;
    if (parentRow?.type === 'lane' && parentRow.lane === parent) this.clickGutter(parentRow);
  }

  openSelected(): void {
    if (this.v && this.v.selected >= 0)
      this.select(this.v.selected, { reveal: true, focusEditor: true, scrollList: true, keepView: true });
  }

  setHover(ref: EventRef | null): void {
    if (!this.v) return;
    const same =
      ref === this.v.hover ||
      (ref !== null && this.v.hover !== null && ref.type === this.v.hover.type && ref.index === this.v.hover.index);
    if (same) return;
    this.v.hover = ref;
    this.redraw();
  }

  togglePlay(): void {
    if (this.playTimer !== 0) {
      this.stopPlay();
      return;
    }
    const v = this.v;
    if (!v || v.model.steps.length === 0) return;
    if (v.replay < 0 || v.replay >= v.model.steps.length - 1) this.replayTo(0);
    this.playTimer = window.setInterval(() => {
      const cur = this.v;
      if (!cur || cur.replay >= cur.model.steps.length - 1) {
        this.stopPlay();
        return;
      }
      this.replayTo(cur.replay + 1);
    }, REPLAY_INTERVAL_MS);
    this.syncReplayBar();
  }

  // ---- model --------------------------------------------------------------------------------

  /**
   * Shows a model. The first frame needs only the lanes and the drawing index (built from `columns`
   * when given); everything else — the objects of a big 'traceColumns' model (`finish`), the step
   * maps, the lane filter, output pane and step list — is done after that frame has been painted, in
   * separate tasks so input is never held for long. `document.body.dataset.loaded` is bumped when all
   * of it is done.
   */
  private setModel(
    model: TraceModel,
    live: boolean,
    work?: (maxRows: number) => boolean,
    columns?: EventColumns,
  ): void {
    const prev = this.v;
    let began = performance.now();
    const index = buildModelIndex(model, columns);
    performance.measure('timeline-index', { start: began });
    began = performance.now();
    // A live snapshot (or the final model after live ones) keeps the user's view; a new run starts fresh.
    const keep = prev !== null && (live || prev.model.title === model.title) && prev.model.t0 === model.t0;
    const prevOrder = keep && prev.selected >= 0 ? prev.model.steps[prev.selected]?.order : undefined;
    if (!keep) {
      this.stopPlay();
      this.layoutState.collapsed.clear();
      this.layoutState.internalShown.clear();
    }
    const startup = foldedStartup(model.duration, index.activityStart);
    const window: TimeWindow =
      keep && !isFitted(prev.window, prev.model.duration, prev.startup)
        ? prev.window
        : programWindow(model.duration, startup);
    // What depends on the steps: taken over from the previous view once the steps exist.
    const stepState = (): Pick<ViewState, 'selected' | 'cursor' | 'replay'> => {
      let selected = -1;
      if (prevOrder !== undefined) {
        const s = stepAtOrder(index, prevOrder);
        if (model.steps[s]?.order === prevOrder) selected = s;
      }
      return {
        selected,
        cursor: keep ? prev.cursor.filter((i) => i < model.steps.length) : [],
        replay: keep && prev.replay < model.steps.length ? prev.replay : -1,
      };
    };
    this.v = {
      model,
      index,
      layout: layoutLanes(model.lanes, laneDepths(index), this.layoutState),
      window,
      startup,
      gutterW: this.labelColumn() ?? GUTTER_W, // each frame fits it to the canvas
      scrollY: keep ? prev.scrollY : 0,
      ...(work ? { selected: -1, cursor: [], replay: -1 } : stepState()),
      matches: null,
      allFlows: prev ? prev.allFlows : false,
      hover: null,
      pending: work !== undefined,
    };
    performance.measure('timeline-layout', { start: began });
    this.paintToReport = live;
    this.toolbar.setTitle(model.title);
    document.title = model.title;
    const waits = work ? undefined : waitsAtStop(model);
    this.v.waits = waits;
    this.banner.setError(model.error, waits, raceSentences(model));
    this.legend.showRaces((model.races?.length ?? 0) > 0);
    this.syncReplayBar();
    this.redraw();
    const token = ++this.modelToken;
    this.canvas.afterNextFrame(() =>
      this.runChunks(token, [
        // The lanes the first frame did not show (below the fold), so scrolling to them never waits.
        () => {
          for (let l = 0; l < model.lanes.length; l++) index.lane(l);
        },
        // The model's objects, a slice per task (a 1M-event model takes a few hundred ms in all).
        () => work?.(OBJECTS_PER_TASK) === false,
        () => {
          if (work) index.stepsChanged();
          void index.stepOrder; // builds the step maps now rather than on the first click
          if (work && this.v) {
            Object.assign(this.v, stepState(), { pending: false });
            this.syncReplayBar();
            this.redraw();
          }
        },
        () => {
          this.toolbar.setLanes(model);
          if (!keep) this.filterState = this.toolbar.readFilter();
          this.output.setModel(model, (l) => this.laneColorOf(l));
        },
        () => {
          const v = this.v as ViewState;
          this.applyFilter(this.filterState);
          this.list.setSelected(v.selected, false);
          this.list.setReplay(v.replay);
          this.output.setReplay(v.replay >= 0 ? (v.model.steps[v.replay]?.order ?? -1) : -1);
          // Lets tests (and anyone watching) know the whole model is on screen.
          document.body.dataset.loaded = String(token);
        },
      ]),
    );
  }

  /**
   * Runs `chunks` one task each (a chunk that returns true has more to do and runs again in the next
   * task), dropping the rest as soon as another model has arrived.
   */
  private runChunks(token: number, chunks: (() => boolean | void)[]): void {
    if (token !== this.modelToken || this.v === null || chunks.length === 0) return;
    if (chunks[0]() !== true) chunks.shift();
    if (chunks.length > 0) setTimeout(() => this.runChunks(token, chunks), 0);
  }

  private relayout(): void {
    if (!this.v) return;
    const before = this.v.layout;
    this.v.layout = layoutLanes(this.v.model.lanes, laneDepths(this.v.index), this.layoutState);
    this.scrollBy(0);
    // A group folded or unfolded: the list follows (applyFilter redraws).
    if (foldedLanesChanged(before, this.v.layout)) this.applyFilter(this.filterState);
    else this.redraw();
  }

  private applyFilter(f: StepFilter): void {
    this.filterState = f;
    const v = this.v;
    if (!v) return;
    const lanes = f.lane >= 0 && f.lane < v.model.lanes.length ? laneSubtree(v.model, f.lane) : undefined;
    const matching = filterSteps(v.model, f, lanes);
    v.matches = isFilterActive(f) ? eventMatches(v.model, matching) : null;
    if (this.layoutState.laneFilter !== f.lane) {
      this.layoutState.laneFilter = f.lane;
      v.layout = layoutLanes(v.model.lanes, laneDepths(v.index), this.layoutState);
      v.scrollY = 0;
    }
    // The list agrees with the canvas: steps of lanes folded into an "N internal lanes" row are not listed
    // until that group is unfolded. A step keeps its number (its place in the whole run) either way.
    const rows = unfoldedSteps(v.model, matching, v.layout);
    // (How many are folded, the list's header says: a narrow toolbar shrinks its status away.)
    this.list.setFolded(matching.length - rows.length);
    this.list.setData(v.model, rows, (l) => this.laneColorOf(l));
    this.list.setSelected(v.selected, true);
    this.toolbar.setStatus(isFilterActive(f) ? `${rows.length} of ${v.model.steps.length} steps match` : '');
    this.redraw();
  }

  private refreshList(): void {
    const v = this.v;
    if (!v) return;
    this.list.setData(v.model, this.list.visibleSteps, (l) => this.laneColorOf(l));
    this.output.setModel(v.model, (l) => this.laneColorOf(l));
  }

  private setWindow(w: TimeWindow): void {
    if (!this.v) return;
    this.v.window = w;
    this.redraw();
  }

  private laneColorOf(lane: number): string {
    return laneColor(this.currentTheme, this.v?.index.laneSlot[lane] ?? lane);
  }

  private redraw(): void {
    this.fitCanvasHeight();
    this.canvas.requestDraw();
  }

  /**
   * The canvas asks for the height of its lanes (the stylesheet caps it): few lanes leave room to the
   * list. A height the user dragged to wins.
   */
  private fitCanvasHeight(): void {
    const user = this.prefs.canvasPx;
    const want = user !== undefined ? `0 0 ${user}px` : this.v ? `0 1 ${RULER_H + this.v.layout.height + 10}px` : '';
    if (this.canvas.root.style.flex !== want) this.canvas.root.style.flex = want;
    this.canvas.root.classList.toggle('user-sized', user !== undefined);
  }

  /** Remembers sizes the user chose (undefined: back to automatic) and applies them. */
  private savePrefs(change: Partial<ViewPrefs>): void {
    Object.assign(this.prefs, change);
    for (const k of Object.keys(this.prefs) as (keyof ViewPrefs)[])
      if (this.prefs[k] === undefined) delete this.prefs[k];
    writePrefs(this.store, this.prefs);
    if ('laneColPx' in change) this.list.setLaneWidth(this.prefs.laneColPx);
    this.applySplits();
    this.redraw();
  }

  private applySplits(): void {
    const px = this.narrow.matches ? this.prefs.listHeightPx : this.prefs.listWidthPx;
    this.stepsPane.style.flex = px !== undefined ? `0 0 ${px}px` : '';
    this.stepsPane.classList.toggle('user-sized', px !== undefined);
  }

  // ---- selection, cursor, replay ------------------------------------------------------------

  private select(
    step: number,
    opts: { reveal: boolean; focusEditor: boolean; scrollList: boolean; keepView?: boolean },
  ): void {
    const v = this.v;
    if (!v || step < 0 || step >= v.model.steps.length) return;
    v.selected = step;
    const st = v.model.steps[step];
    this.list.setSelected(step, opts.scrollList);
    if (!opts.keepView) this.bringIntoView(step);
    const ref = st.ref;
    if (ref.type === 'marker' && v.model.markers[ref.index]?.kind === 'print') this.output.highlight(st.order);
    const lane = v.model.lanes[st.lane];
    this.announcer.textContent = `Step ${step + 1} of ${v.model.steps.length}: ${lane ? lanePathNamer(v.model)(st.lane) : ''} ${st.text}`;
    if (opts.reveal && st.source >= 0 && st.source < v.model.sources.length && st.line >= 1) {
      this.post({ type: 'reveal', source: st.source, line: st.line, preserveFocus: !opts.focusEditor });
    }
    this.redraw();
  }

  private bringIntoView(step: number): void {
    const v = this.v;
    if (!v) return;
    const st = v.model.steps[step];
    v.window = revealTime(v.window, st.ts, fitWindow(v.model.duration));
    const ri = v.layout.rowOfLane[st.lane];
    const row = ri >= 0 ? v.layout.rows[ri] : undefined;
    if (row) {
      const viewH = this.canvas.viewHeight - RULER_H;
      if (row.y < v.scrollY || row.y + row.h > v.scrollY + viewH) this.scrollBy(row.y - 24 - v.scrollY);
    }
  }

  private selectOrder(order: number): void {
    if (!this.v || this.v.model.steps.length === 0) return;
    this.select(stepAtOrder(this.v.index, order), { reveal: true, focusEditor: false, scrollList: true });
  }

  private setCursor(source: number, line: number): void {
    const v = this.v;
    if (!v) return;
    v.cursor = stepsOnLine(v.model, source, line);
    this.list.setCursor(v.cursor);
    this.redraw();
  }

  private replayTo(step: number): void {
    const v = this.v;
    if (!v || v.model.steps.length === 0) return;
    const s = Math.max(0, Math.min(v.model.steps.length - 1, step));
    v.replay = s;
    this.list.setReplay(s);
    this.output.setReplay(v.model.steps[s].order);
    this.select(s, { reveal: true, focusEditor: false, scrollList: true });
    this.syncReplayBar();
  }

  private replayStep(delta: number): void {
    const v = this.v;
    if (!v) return;
    const base = v.replay < 0 ? (delta > 0 ? -1 : v.model.steps.length) : v.replay;
    this.replayTo(base + delta);
  }

  private stopPlay(): void {
    if (this.playTimer !== 0) window.clearInterval(this.playTimer);
    this.playTimer = 0;
    this.syncReplayBar();
  }

  private syncReplayBar(): void {
    this.toolbar.setReplay(this.v?.replay ?? -1, this.v?.model.steps.length ?? 0, this.playTimer !== 0);
  }

  private toggleFlows(): void {
    if (!this.v) return;
    this.v.allFlows = !this.v.allFlows;
    this.toolbar.setFlows(this.v.allFlows);
    this.redraw();
  }

  private toggleInternal(): void {
    this.layoutState.showAllInternal = !this.layoutState.showAllInternal;
    if (!this.layoutState.showAllInternal) this.layoutState.internalShown.clear();
    this.toolbar.setInternal(this.layoutState.showAllInternal);
    this.relayout();
  }

  /** Read-only view of the state for the browser tests (positions on the canvas, selection). */
  probe(): TimelineProbe {
    return {
      selected: () => this.v?.selected ?? -1,
      replay: () => this.v?.replay ?? -1,
      window: () => (this.v ? { ...this.v.window } : null),
      scrollY: () => this.v?.scrollY ?? 0,
      gutterW: () => this.v?.gutterW ?? -1,
      rowCount: () => this.v?.layout.rows.length ?? 0,
      lanesBuilt: () => this.v?.index.builtLanes() ?? 0,
      flows: () => lastFlows,
      waits: () => lastWaits,
      fills: () => lastFrameFills(),
      rowTop: (row: number) => {
        const r = this.v?.layout.rows[row];
        return r ? RULER_H + r.y - (this.v?.scrollY ?? 0) : -1;
      },
      theme: () => this.currentTheme,
      stepBox: (step: number) => {
        const v = this.v;
        const s = this.canvas.scaleNow();
        const st = v?.model.steps[step];
        return v && s && st ? eventRect(v, s, st.ref) : null;
      },
    };
  }
}

/** The host is trusted, but a truncated or wrong file must fail loudly, not half-render. */
function parseModel(json: string): TraceModel {
  const m = JSON.parse(json) as unknown;
  const ok =
    typeof m === 'object' &&
    m !== null &&
    ['lanes', 'spans', 'markers', 'steps', 'flows', 'output', 'sources'].every((k) =>
      Array.isArray((m as Record<string, unknown>)[k]),
    );
  if (!ok) throw new Error('trace JSON is not a timeline model');
  return m as TraceModel;
}

export interface TimelineProbe {
  selected(): number;
  replay(): number;
  window(): TimeWindow | null;
  scrollY(): number;
  /** Width of the canvas's label column (CSS px), -1 without a trace. */
  gutterW(): number;
  rowCount(): number;
  /** Lanes whose drawing index is built (a big model's first frame builds only those it shows). */
  lanesBuilt(): number;
  /** The last frame's flow arrows: drawn, left out, trunks, and each arrow's end row (a folded group or not) and count. */
  /** The last frame's wait-for arrows (a run stuck at a timeout or Stop). */
  waits(): DrawnWait[];
  /** The span and wait rectangles the last frame recorded (its fills' work: a few per pixel column at most). */
  fills(): number;
  /** Canvas y (CSS px) of a layout row's top, -1 if there is no such row. */
  rowTop(row: number): number;
  flows(): { arrows: number; skipped: number; trunks: number; ends: { row: number; count: number; group: boolean }[] };
  stepBox(step: number): { x: number; y: number; w: number; h: number } | null;
  /** The colours the canvas draws with, as read from the page's theme variables. */
  theme(): Theme;
}
