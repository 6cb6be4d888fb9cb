/**
 * Lane colours that belong to the lane, not its position: the same thread gets the same colour in every
 * run (its identity is hashed: kind, name, and its parent's name; never a pid or an index), and lanes
 * shown together get different colours while the palette lasts. Pure.
 */
import type { Lane } from '../shared/traceModel';

/** Lane colours are slots of the theme's lane palette (theme.ts): this many. */
export const LANE_PALETTE_SIZE = 6;

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function laneIdentity(lanes: readonly Lane[], lane: Lane): string {
  const parent = lane.parent >= 0 ? lanes[lane.parent] : undefined;
  const coroutine = lane.kind === 'task' ? (lane.info.coroutine ?? '') : '';
  return `${lane.kind}|${parent ? parent.name : ''}|${lane.name}|${coroutine}`;
}

/** Palette slot of each lane. Own lanes take their hashed slot, or the next free one if it is taken. */
export function laneColorSlots(lanes: readonly Lane[], paletteSize: number): Int32Array {
  const slots = new Int32Array(lanes.length);
  const used = new Uint8Array(paletteSize);
  let free = paletteSize;
  lanes.forEach((lane, i) => {
    let slot = hash(laneIdentity(lanes, lane)) % paletteSize;
    if (!lane.internal) {
      if (free > 0) while (used[slot] === 1) slot = (slot + 1) % paletteSize;
      if (used[slot] === 0) {
        used[slot] = 1;
        free--;
      }
    }
    slots[i] = slot;
  });
  return slots;
}
