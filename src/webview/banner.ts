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
  private noticeTimer = 0;

  constructor() {
    this.root.hidden = true;
    this.notice.hidden = true;
  }

  /**
   * `waits`: the wait-for graph of the lanes stuck at the end. A cycle is a deadlock: it is said as
   * one, in words, instead of the generic "look for a deadlock, or raise the time limit" hint.
   */
  setError(err: RunError | null, waits?: WaitForGraph): void {
    clear(this.root);
    this.root.hidden = err === null;
    if (err === null) return;
    this.root.dataset.code = err.code;
    this.root.classList.toggle('info', err.code === 'cancelled');
    const head = el('div', { class: 'banner-head' });
    head.append(el('strong', { class: 'banner-title' }, TITLES[err.code] ?? err.code));
    const where = errorWhere(err);
    if (where) head.append(el('span', { class: 'banner-where' }, where));
    this.root.append(head, el('div', { class: 'banner-message' }, err.message));
    const deadlock = waits !== undefined && waits.cycle.length > 0;
    if (waits && waits.sentence) {
      this.root.append(
        el('div', { class: 'banner-waits' }, `${deadlock ? 'Deadlock: ' : 'Stuck: '}${waits.sentence}.`),
      );
    }
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
