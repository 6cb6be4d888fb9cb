/** Tiny DOM helpers. Text goes in through textContent only: program output is hostile. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(label: string, aria: string, onClick: () => void, cls = ''): HTMLButtonElement {
  const b = el('button', { type: 'button', 'aria-label': aria, title: aria, class: `btn ${cls}`.trim() }, label);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A lane's name in a cell that may be too narrow for it: its process part (`from`) is cut first, what the
 * lane is called (`own`) last (CSS: .lane-from, .lane-own).
 */
export function laneNameSpans(parts: { from: string; own: string }): HTMLSpanElement[] {
  const own = el('span', { class: 'lane-own' }, parts.own);
  return parts.from ? [el('span', { class: 'lane-from' }, parts.from), own] : [own];
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
