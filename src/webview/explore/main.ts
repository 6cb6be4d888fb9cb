/**
 * The Explore Interleavings table (browser side): outcomes with their count, output, exit code, failure
 * and seed; races with both accesses. Every program string goes in as text. Buttons ask the host to
 * open an outcome's schedule in the Timeline, to compare two, or to show an access's line.
 */
import type {
  ExploreHostMessage,
  ExploreTable,
  ExploreWebviewMessage,
  OutcomeRow,
  RaceRow,
} from '../../shared/exploreTable';

interface VsCodeApi {
  postMessage(message: ExploreWebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
/** Seeds ticked for Compare, in the order they were ticked. */
let picked: number[] = [];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; title?: string } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title) e.title = props.title;
  for (const c of children) e.appendChild(c);
  return e;
}

function button(text: string, title: string, onClick: () => void, className = ''): HTMLButtonElement {
  const b = el('button', { text, title, className });
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(t: ExploreTable): string {
  const parts = [
    plural(t.runs, 'schedule'),
    plural(t.outcomes.length, 'distinct outcome'),
    plural(t.races.length, 'race'),
  ];
  const failing = t.outcomes.filter((o) => o.failureKind).length;
  if (failing) parts.push(`${failing} failing`);
  if (t.complete && t.state === 'done') parts.push('every schedule covered');
  const state = t.state === 'running' ? ' (exploring…)' : t.state === 'cancelled' ? ' (cancelled)' : '';
  return parts.join(' · ') + state;
}

/** The outcome table's columns, in order (the last holds the row's button). */
const COLUMNS = ['Compare', 'Count', 'Output', 'Exit', 'Failure', 'Seed', ''];

function outcomeRow(o: OutcomeRow, compare: HTMLButtonElement): HTMLTableRowElement {
  const tick = el('input');
  tick.type = 'checkbox';
  tick.checked = picked.includes(o.seed);
  tick.setAttribute('aria-label', `Compare the outcome of seed ${o.seed}`);
  tick.addEventListener('change', () => {
    picked = picked.filter((s) => s !== o.seed);
    if (tick.checked) picked.push(o.seed);
    if (picked.length > 2) {
      const dropped = picked.shift();
      const other = app.querySelector<HTMLInputElement>(`input[data-seed="${String(dropped)}"]`);
      if (other) other.checked = false;
    }
    compare.disabled = picked.length !== 2;
  });
  tick.dataset.seed = String(o.seed);
  const row = el(
    'tr',
    { className: o.failureKind ? 'failing' : '' },
    el('td', { className: 'pick' }, tick),
    el('td', { className: 'num', text: `${o.count}`, title: `${o.percent}% of the schedules` }),
    el('td', { className: 'output' }, el('pre', { text: o.output || '(no output)', title: o.outputFull })),
    el('td', { className: 'num', text: o.exitCode === null ? '–' : String(o.exitCode) }),
    el('td', { className: `failure ${o.failureKind ?? ''}`, text: o.failure || 'none' }),
    el('td', { className: 'num', text: String(o.seed) }),
    el(
      'td',
      { className: 'open' },
      button('Open in Timeline', `Replay seed ${o.seed} traced and open its Timeline`, () =>
        vscode.postMessage({ type: 'openTimeline', seed: o.seed }),
      ),
    ),
  );
  row.dataset.seed = String(o.seed);
  // a narrow panel shows each row as a card whose cells name their column (explore.css)
  row.querySelectorAll('td').forEach((td, i) => {
    if (COLUMNS[i]) td.dataset.label = COLUMNS[i];
  });
  return row;
}

function outcomesTable(t: ExploreTable): HTMLElement {
  const compare = button(
    'Compare',
    "Open the two ticked outcomes' timelines one above the other, marked where their schedules part",
    () => {
      if (picked.length === 2) vscode.postMessage({ type: 'compare', seeds: [picked[0], picked[1]] });
    },
    'compare',
  );
  picked = picked.filter((s) => t.outcomes.some((o) => o.seed === s));
  compare.disabled = picked.length !== 2;
  const head = el(
    'tr',
    {},
    ...COLUMNS.map((h) => {
      const th = el('th', { text: h });
      th.scope = 'col';
      return th;
    }),
  );
  const table = el(
    'table',
    { className: 'outcomes' },
    el('caption', { text: 'Runs grouped by output, exit code and failure' }),
    el('thead', {}, head),
    el('tbody', {}, ...t.outcomes.map((o) => outcomeRow(o, compare))),
  );
  return el(
    'section',
    {},
    el('h2', { text: 'Outcomes' }),
    table,
    el(
      'div',
      { className: 'actions' },
      compare,
      el('span', { className: 'hint', text: 'Tick two outcomes to compare their schedules.' }),
    ),
  );
}

function raceItem(r: RaceRow): HTMLLIElement {
  const accesses = r.accesses.map((a) =>
    button(
      `${a.kind} by ${a.lane} at ${a.fileLabel}:${a.line}`,
      `Show line ${a.line} of ${a.file}`,
      () => vscode.postMessage({ type: 'reveal', file: a.file, line: a.line }),
      `access ${a.kind}`,
    ),
  );
  const li = el('li', {}, el('span', { className: 'target', text: r.target }), el('span', { text: ': ' }));
  accesses.forEach((b, i) => {
    if (i > 0) li.appendChild(el('span', { text: ' vs ' }));
    li.appendChild(b);
  });
  return li;
}

function render(t: ExploreTable): void {
  app.replaceChildren();
  app.appendChild(el('h1', { text: t.title }));
  app.appendChild(el('p', { className: `summary ${t.state}`, text: summaryLine(t) }));
  if (t.error) app.appendChild(el('p', { className: 'error', text: t.error }));
  if (t.outcomes.length) app.appendChild(outcomesTable(t));
  const races = el('section', {}, el('h2', { text: 'Races' }));
  races.appendChild(
    t.races.length
      ? el('ul', { className: 'races' }, ...t.races.map(raceItem))
      : el('p', {
          text:
            t.state === 'running'
              ? 'None yet.'
              : 'None found: every shared access was ordered by a lock, join, queue or event.',
        }),
  );
  app.appendChild(races);
}

function isHostMessage(m: unknown): m is ExploreHostMessage {
  return (
    typeof m === 'object' &&
    m !== null &&
    ((m as { type?: unknown }).type === 'table' || (m as { type?: unknown }).type === 'busy')
  );
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data;
  if (!isHostMessage(m)) return;
  if (m.type === 'table') render(m.table);
  else {
    const busy = app.querySelector('.busy') ?? app.appendChild(el('p', { className: 'busy' }));
    busy.textContent = m.text;
  }
});

vscode.postMessage({ type: 'ready' });
