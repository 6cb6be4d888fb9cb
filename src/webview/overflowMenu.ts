/**
 * Keeps a toolbar on one row: when its items don't fit, the least needed ones move into a "⋯" menu
 * (and come back when the panel widens). The row never wraps, so nothing under it jumps.
 */
import { button, el } from './dom';

export class OverflowMenu {
  private readonly more: HTMLButtonElement;
  private readonly menu = el('div', { class: 'overflow-menu', role: 'group', 'aria-label': 'More toolbar actions' });
  /** Where each item sits in the row when it fits: the node it goes back in front of. */
  private readonly homes: { item: HTMLElement; next: Node | null }[];
  private fitting = false;

  /** `items` in the order they return to the row; the last one leaves first. */
  constructor(
    private readonly row: HTMLElement,
    items: HTMLElement[],
  ) {
    this.homes = items.map((item) => ({ item, next: item.nextSibling }));
    this.more = button('⋯', 'More actions', () => this.toggle(), 'more-btn');
    this.more.setAttribute('aria-haspopup', 'true');
    this.more.setAttribute('aria-expanded', 'false');
    this.menu.hidden = true;
    row.append(this.more, this.menu);
    this.menu.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
        this.more.focus();
      }
    });
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target as Node) && e.target !== this.more) this.close();
    });
    new ResizeObserver(() => this.refit()).observe(row);
  }

  /** Puts every item back in the row, then moves the last ones into the menu until the row fits. */
  refit(): void {
    if (this.fitting) return;
    this.fitting = true;
    try {
      // Back in reverse, so each item's neighbour on the right is already home.
      for (const { item, next } of [...this.homes].reverse()) {
        if (item.parentElement === this.row) continue;
        const anchor = next !== null && next.parentNode === this.row ? next : this.more;
        this.row.insertBefore(item, anchor);
      }
      this.more.hidden = true;
      if (!this.overflowing()) {
        this.close();
        return;
      }
      this.more.hidden = false;
      for (let i = this.homes.length - 1; i >= 0 && this.overflowing(); i--) this.menu.prepend(this.homes[i].item);
    } finally {
      this.fitting = false;
    }
  }

  private overflowing(): boolean {
    return this.row.scrollWidth > this.row.clientWidth + 1;
  }

  private toggle(): void {
    if (this.menu.hidden) this.open();
    else this.close();
  }

  private open(): void {
    this.menu.hidden = false;
    this.more.setAttribute('aria-expanded', 'true');
    const first = this.menu.querySelector<HTMLElement>('button, select, input');
    first?.focus();
  }

  private close(): void {
    this.menu.hidden = true;
    this.more.setAttribute('aria-expanded', 'false');
  }
}
