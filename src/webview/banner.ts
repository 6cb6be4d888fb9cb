/** The run-error banner (what, where, hint) and short notices. Text only. */
import type { WaitForGraph } from '../shared/waitFor';
import type { RunError } from '../shared/traceModel';
import { clear, el } from './dom';

const TITLES: Record<RunError['code'], string> = {
  'python-missing': 'Python not found',
  'python-too-old': 'Python is too old',
  'syntax-error': 'Syntax error',
  timeout: 'Stopped: time limit reached',
  cancelled: 'Run stopped',
  'event-cap': 'Event limit reached',
  'unguarded-process': 'Process start outside `if __name__ == "__main__":`',
  'spawn-failed': 'Could not start the program',
  'output-cap': 'Stopped: too much output',
  crashed: 'The program crashed',
  'tracer-failed': 'The tracer failed',
  'uncaught-exception': 'Uncaught exception',
};

export function errorWhere(err: RunError): string {
  if (!err.file) return '';
  const base = err.file.split(/[\\/]/).pop() ?? err.file;
  return err.line !== undefined ? `${base}:${err.line}${err.column !== undefined ? `:${err.column}` : ''}` : base;
}

export class Banner {
  readonly root = el('div', { class: 'banner', role: 'alert' });
  readonly notice = el('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  /**
   * The hint toward Explore after a plain Run: a quiet line under the toolbar (two in a narrow panel) until
   * dismissed or replaced.
   */
  readonly hint = el('div', { class: 'hint', role: 'note', 'aria-label': 'Hint' });
  private noticeTimer = 0;

  constructor() {
    this.root.hidden = true;
    this.notice.hidden = true;
    this.hint.hidden = true;
  }

  /** Shows `text` with "Explore other schedules…" (which calls `explore`) and a dismiss button. */
  showHint(text: string, explore: () => void): void {
    // A narrow panel shows "Explore…" (CSS: .hint-more), to leave the sentence room; its name stays whole.
    const go = el('button', { type: 'button', class: 'btn hint-action', 'aria-label': 'Explore other schedules…' });
    go.append('Explore', el('span', { class: 'hint-more' }, ' other schedules'), '…');
    go.addEventListener('click', () => {
      this.hideHint();
      explore();
    });
    const close = el(
      'button',
      { type: 'button', class: 'btn hint-close', 'aria-label': 'Dismiss the hint', title: 'Dismiss' },
      '✕',
    );
    close.addEventListener('click', () => this.hideHint());
    this.hint.replaceChildren(el('span', { class: 'hint-text', title: text }, text), go, close);
    this.hint.hidden = false;
  }

  hideHint(): void {
    this.hint.hidden = true;
    this.hint.replaceChildren();
  }

  /**
   * `waits`: the wait-for graph of the lanes stuck at the end. A cycle is a deadlock: it is said as
   * one, in words, instead of the generic "look for a deadlock, or raise the time limit" hint.
   * `races`: the data races proven in the run shown, in words (src/shared/raceText.ts). Without an error
   * they make a banner of their own, folded on a narrow panel to the first one, as a deadlock is.
   */
  setError(err: RunError | null, waits?: WaitForGraph, races: readonly string[] = []): void {
    clear(this.root);
    this.root.hidden = err === null && races.length === 0;
    this.root.classList.remove('race');
    if (err === null && races.length === 0) return;
    const toggle = el('button', { class: 'banner-toggle', type: 'button', 'aria-expanded': 'false' }, 'More');
    toggle.addEventListener('click', () => {
      const folded = this.root.classList.toggle('folded');
      toggle.textContent = folded ? 'More' : 'Less';
      toggle.setAttribute('aria-expanded', String(!folded));
    });
    this.root.classList.add('folded');
    const head = el('div', { class: 'banner-head' });
    const raceLines = races.map((r) => el('div', { class: 'banner-race' }, `${r}.`));
    if (err === null) {
      delete this.root.dataset.code;
      this.root.classList.remove('info');
      this.root.classList.add('race', 'stuck'); // (folded, the race says more than the title)
      const more = races.length > 1 ? ` (+${races.length - 1} more)` : '';
      head.append(
        el('strong', { class: 'banner-title' }, races.length > 1 ? `${races.length} data races` : 'Data race'),
        el('span', { class: 'banner-summary', 'aria-hidden': 'true' }, `${races[0]}${more}`),
        toggle,
      );
      this.root.append(
        head,
        ...raceLines,
        el(
          'div',
          { class: 'banner-hint' },
          "The explorer's race detector proved this in the schedule shown: the marks on the lanes are the accesses.",
        ),
      );
      return;
    }
    this.root.dataset.code = err.code;
    this.root.classList.toggle('info', err.code === 'cancelled');
    head.append(el('strong', { class: 'banner-title' }, TITLES[err.code] ?? err.code));
    const where = errorWhere(err);
    if (where) head.append(el('span', { class: 'banner-where' }, where));
    const deadlock = waits !== undefined && waits.cycle.length > 0;
    const stuck = waits && waits.sentence ? `${deadlock ? 'Deadlock: ' : 'Stuck: '}${waits.sentence}.` : '';
    // A narrow panel shows the banner as this one line (what is stuck, else the message), unfolded by its button
    // (CSS: .banner.folded); a wide one always shows all of it.
    head.append(el('span', { class: 'banner-summary', 'aria-hidden': 'true' }, stuck || err.message));
    head.append(toggle);
    this.root.classList.toggle('stuck', stuck !== ''); // (folded, what is stuck says more than the title)
    this.root.append(head, el('div', { class: 'banner-message' }, err.message));
    if (stuck) this.root.append(el('div', { class: 'banner-waits' }, stuck));
    this.root.append(...raceLines);
    if (err.hint && !deadlock) this.root.append(el('div', { class: 'banner-hint' }, err.hint));
    if (err.stillRunning && err.stillRunning.length > 0) {
      this.root.append(
        el('div', { class: 'banner-running' }, `Still running when stopped: ${err.stillRunning.join(', ')}`),
      );
    }
  }

  showNotice(level: 'info' | 'error', text: string): void {
    this.notice.textContent = text;
    this.notice.className = `notice ${level}`;
    this.notice.hidden = false;
    window.clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(
      () => {
        this.notice.hidden = true;
      },
      level === 'error' ? 10000 : 5000,
    );
  }
}
