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
 * A lane's name in a cell that may be too narrow for it: its process part (`from`) is cut first, from its
 * start ("…ess-A › ": process-A and process-B still read apart), what the lane is called (`own`) last (CSS:
 * .lane-from, .lane-own; the inner span keeps the process part left to right inside the cut's right-to-left). Inside
 * `own`, a `tail` that tells the lane from its siblings (" · Task-2", see laneCut) stays whole as its head is cut.
 * With a `fromTail` (laneNameParts), the process part is cut in its middle instead: its start from its end,
 * then the end that tells it apart ("-1 › ") last, from its start (CSS: .lane-from.split).
 */
export function laneNameSpans(parts: {
  from: string;
  own: string;
  tail?: string;
  fromTail?: string;
}): HTMLSpanElement[] {
  const own = el('span', { class: parts.tail ? 'lane-own split' : 'lane-own' });
  if (parts.tail)
    own.append(el('span', { class: 'lane-head' }, parts.own), el('span', { class: 'lane-tail' }, parts.tail));
  else own.textContent = parts.own;
  if (!parts.from) return [own];
  // (a plain space would hang at the cut's end)
  if (parts.fromTail !== undefined) {
    // What tells the process apart ("-1", " 1000000001 (racy)") gives way last, from its start; the separator
    // after it before it.
    const at = parts.fromTail.indexOf(' › ');
    const id = at > 0 ? parts.fromTail.slice(0, at) : '';
    const from = el('span', { class: 'lane-from split' });
    const sep = el('span', { class: 'lane-from-sep' });
    sep.append(el('span', {}, parts.fromTail.slice(id.length).replace(/ $/, '\u00a0')));
    from.append(el('span', { class: 'lane-from-head' }, parts.from));
    if (id) {
      const idSpan = el('span', { class: 'lane-from-id' });
      idSpan.append(el('span', {}, id));
      from.append(idSpan);
    }
    from.append(sep);
    return [from, own];
  }
  const from = el('span', { class: 'lane-from' });
  from.append(el('span', {}, parts.from.replace(/ $/, '\u00a0')));
  return [from, own];
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
