/**
 * The always-visible legend under the canvas: what the lane states and marker glyphs mean, in the
 * theme's colours, so the Timeline reads without hovering. Rebuilt when the theme changes.
 *
 * Folded, it is one line (what fits of it, so a newcomer still finds it) after its "Legend" button, which
 * unfolds it; a narrow panel starts folded. The app remembers the user's choice.
 */
import { clear, el } from './dom';
import { DASH_STEP, DASH_W, RUNNABLE_STYLE, WAIT_STATES, WAIT_STYLE, type BandPattern } from './laneStates';
import type { ColorRole } from './markerStyle';
import type { Theme } from './theme';

type Swatch =
  | { kind: 'block'; alpha: number }
  | { kind: 'band'; color: ColorRole | 'error'; pattern: BandPattern }
  | { kind: 'hollow'; color: ColorRole }
  | { kind: 'glyph'; glyph: string; color: ColorRole };

const MARKERS: [string, ColorRole, string][] = [
  ['▲', 'blue', 'start / end / join'],
  ['●', 'purple', 'task / await'],
  ['■', 'orange', 'lock'],
  ['◆', 'yellow', 'event / condition'],
  ['●', 'green', 'queue'],
  ['▮', 'cyan', 'I/O call'],
  ['•', 'foreground', 'print'],
  ['✕', 'error', 'exception'],
];

export class Legend {
  readonly root = el('div', { class: 'legend' });
  private readonly toggle = el('button', {
    type: 'button',
    class: 'legend-toggle',
    'aria-controls': 'legend-items',
    title: 'Show or fold the legend',
  });
  private readonly items = el('div', {
    class: 'legend-items',
    id: 'legend-items',
    role: 'note',
    'aria-label': 'Legend',
  });

  /** `toggled(open)`: the user folded or unfolded it. */
  constructor(toggled: (open: boolean) => void) {
    this.toggle.addEventListener('click', () => {
      this.setOpen(!this.open);
      toggled(this.open);
    });
    this.root.append(this.toggle, this.items);
    this.setOpen(true);
  }

  get open(): boolean {
    return this.toggle.getAttribute('aria-expanded') === 'true';
  }

  setOpen(open: boolean): void {
    this.toggle.setAttribute('aria-expanded', String(open));
    this.toggle.textContent = open ? '▾ Legend' : '▸ Legend';
    this.root.classList.toggle('folded', !open);
  }

  /** Whether the model shown has proven data races: their mark joins the legend (only then). */
  private races = false;
  private theme: Theme | undefined;

  showRaces(on: boolean): void {
    if (on === this.races) return;
    this.races = on;
    if (this.theme) this.render(this.theme);
  }

  render(theme: Theme): void {
    this.theme = theme;
    clear(this.items);
    const item = (sw: Swatch, text: string): void => {
      const swatch = el('span', { class: `swatch ${sw.kind}`, 'aria-hidden': 'true' });
      if (sw.kind === 'block') {
        swatch.style.backgroundColor = theme.palette[0];
        swatch.style.opacity = String(sw.alpha);
      } else if (sw.kind === 'band') {
        const c = sw.color === 'error' ? theme.error : theme.roles[sw.color];
        swatch.style.background =
          sw.pattern === 'dashed'
            ? `repeating-linear-gradient(90deg, ${c} 0 ${DASH_W}px, transparent ${DASH_W}px ${DASH_STEP}px)`
            : sw.pattern === 'double'
              ? `linear-gradient(180deg, ${c} 0 40%, transparent 40% 60%, ${c} 60%)`
              : c;
      } else if (sw.kind === 'hollow') {
        swatch.style.border = `1px solid ${theme.roles[sw.color]}`;
      } else {
        swatch.textContent = sw.glyph;
        swatch.style.color = theme.roles[sw.color];
      }
      const it = el('span', { class: 'legend-item' });
      it.append(swatch, document.createTextNode(text));
      this.items.append(it);
    };
    item({ kind: 'block', alpha: 0.9 }, 'running (on CPU)');
    item({ kind: 'block', alpha: 0.25 }, 'in a call, off CPU');
    item({ kind: 'hollow', color: RUNNABLE_STYLE.color }, RUNNABLE_STYLE.label);
    for (const w of WAIT_STATES)
      item(
        { kind: 'band', color: WAIT_STYLE[w].color, pattern: WAIT_STYLE[w].pattern },
        WAIT_STYLE[w].label.replace(/^waiting on an? /, 'waiting: '),
      );
    item({ kind: 'band', color: 'error', pattern: 'solid' }, 'stuck');
    for (const [glyph, color, text] of MARKERS) item({ kind: 'glyph', glyph, color }, text);
    if (this.races) item({ kind: 'glyph', glyph: '◆', color: 'error' }, 'data race');
  }
}
