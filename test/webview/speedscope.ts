/**
 * Converts a TraceModel to speedscope's own file format (one evented profile per lane) so the
 * benchmark can open the same trace in speedscope. Markers become zero-length frames so speedscope
 * imports as many events as we draw.
 */
import type { TraceModel } from '../../src/shared/traceModel';

interface SsEvent {
  type: 'O' | 'C';
  frame: number;
  at: number;
}

export function toSpeedscope(model: TraceModel): string {
  const frames: { name: string; file?: string; line?: number }[] = [];
  const frameIds = new Map<string, number>();
  const frameOf = (name: string, line: number): number => {
    const key = `${name}:${line}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push({ name, file: model.sources[0]?.label, line });
      frameIds.set(key, id);
    }
    return id;
  };
  const byLane = model.lanes.map(() => [] as { start: number; end: number; frame: number; depth: number }[]);
  for (const s of model.spans)
    byLane[s.lane]?.push({ start: s.start, end: s.end, frame: frameOf(s.name, s.line), depth: s.depth });
  for (const m of model.markers)
    byLane[m.lane]?.push({ start: m.ts, end: m.ts, frame: frameOf(m.kind, m.line), depth: 99 });
  const profiles = [];
  for (const lane of model.lanes) {
    const items = byLane[lane.id];
    if (items.length === 0) continue;
    items.sort((a, b) => a.start - b.start || a.depth - b.depth);
    const events: SsEvent[] = [];
    const stack: { end: number; frame: number }[] = [];
    for (const it of items) {
      while (stack.length > 0 && stack[stack.length - 1].end <= it.start) {
        const top = stack.pop() as { end: number; frame: number };
        events.push({ type: 'C', frame: top.frame, at: top.end });
      }
      // Clamp to the enclosing span so the profile stays well nested whatever the input.
      const end = stack.length > 0 ? Math.min(it.end, stack[stack.length - 1].end) : it.end;
      events.push({ type: 'O', frame: it.frame, at: it.start });
      if (end <= it.start) events.push({ type: 'C', frame: it.frame, at: it.start });
      else stack.push({ end, frame: it.frame });
    }
    while (stack.length > 0) {
      const top = stack.pop() as { end: number; frame: number };
      events.push({ type: 'C', frame: top.frame, at: top.end });
    }
    const lastAt = events.length > 0 ? events[events.length - 1].at : 0;
    profiles.push({
      type: 'evented',
      name: `${lane.name} (pid ${lane.pid})`,
      unit: 'nanoseconds',
      startValue: 0,
      endValue: Math.max(lastAt, model.duration),
      events,
    });
  }
  return JSON.stringify({
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles,
    name: model.title,
    activeProfileIndex: 0,
    exporter: 'python-concurrency-lab bench',
  });
}
