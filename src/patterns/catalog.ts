/**
 * The pattern catalog: snippets/python.code-snippets read as typed entries, for the Insert Pattern
 * quick pick and the tests. The snippet file is the single source. Besides VS Code's own keys
 * (prefix, body, description) every entry carries `group` and `minPython`: VS Code's snippet loader
 * reads only the keys it knows and ignores the rest, so the same file serves both. Pure: no vscode.
 */
import { expandDefaults } from './snippetSyntax';

export const PATTERN_GROUPS = ['Threads', 'Asyncio', 'Processes', 'Executors', 'Synchronisation', 'Pitfalls'] as const;
export type PatternGroup = (typeof PATTERN_GROUPS)[number];

/** The oldest Python the run engine supports; entries may not claim less. */
export const OLDEST_PYTHON = '3.8';

export interface Pattern {
  /** The snippet's key in the file ("Threads: start and join two threads"). */
  name: string;
  /** What to type to trigger it ("thread-start"); the first one when the file lists several. */
  prefix: string;
  group: PatternGroup;
  /** Oldest Python the body runs on, "major.minor". */
  minPython: string;
  description: string;
  /** The snippet body in VS Code snippet syntax, lines joined with "\n". */
  body: string;
  /** The body as inserted when every placeholder keeps its default: plain Python. */
  preview: string;
}

export interface PatternGroupEntries {
  group: PatternGroup;
  entries: Pattern[];
}

export class CatalogError extends Error {}

/** [major, minor] of "3.11" / "3.11.7"; undefined when it is not a version. */
export function parsePythonVersion(text: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** True when `version` ("3.12.1" or "3.12") is at least the entry's minimum. */
export function supportsPython(entry: Pick<Pattern, 'minPython'>, version: string): boolean {
  const have = parsePythonVersion(version);
  const need = parsePythonVersion(entry.minPython);
  if (!have || !need) return false;
  return have[0] !== need[0] ? have[0] > need[0] : have[1] >= need[1];
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function textField(name: string, key: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (isStringList(value) && value.length > 0) return value.join(key === 'prefix' ? '' : '\n');
  throw new CatalogError(`Snippet "${name}": "${key}" must be a non-empty string or list of strings.`);
}

function toEntry(name: string, raw: unknown): Pattern {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CatalogError(`Snippet "${name}" is not an object.`);
  }
  const r = raw as Record<string, unknown>;
  const prefix = Array.isArray(r.prefix) ? textField(name, 'prefix', r.prefix[0]) : textField(name, 'prefix', r.prefix);
  const body = textField(name, 'body', r.body);
  const description = textField(name, 'description', r.description);
  const group = r.group;
  if (typeof group !== 'string' || !(PATTERN_GROUPS as readonly string[]).includes(group)) {
    throw new CatalogError(`Snippet "${name}": "group" must be one of ${PATTERN_GROUPS.join(', ')}.`);
  }
  const minPython = r.minPython;
  if (typeof minPython !== 'string' || !/^\d+\.\d+$/.test(minPython)) {
    throw new CatalogError(`Snippet "${name}": "minPython" must look like "3.8".`);
  }
  if (!supportsPython({ minPython: OLDEST_PYTHON }, minPython)) {
    throw new CatalogError(`Snippet "${name}": "minPython" ${minPython} is older than ${OLDEST_PYTHON}.`);
  }
  return { name, prefix, group: group as PatternGroup, minPython, description, body, preview: expandDefaults(body) };
}

/**
 * Parses the snippet file's text. Strict JSON (the file has no comments), and strict about our two
 * extra keys, so a broken entry fails the unit tests instead of vanishing from the quick pick.
 */
export function loadCatalog(jsonText: string): Pattern[] {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (e) {
    throw new CatalogError(`The snippet file is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new CatalogError('The snippet file must hold one JSON object of snippets.');
  }
  const entries = Object.entries(data as Record<string, unknown>).map(([name, raw]) => toEntry(name, raw));
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.prefix);
    if (other !== undefined)
      throw new CatalogError(`Snippets "${other}" and "${e.name}" share the prefix "${e.prefix}".`);
    seen.set(e.prefix, e.name);
  }
  return entries;
}

/** Entries by group in PATTERN_GROUPS order (empty groups left out), file order inside a group. */
export function groupCatalog(entries: readonly Pattern[]): PatternGroupEntries[] {
  return PATTERN_GROUPS.map((group) => ({ group, entries: entries.filter((e) => e.group === group) })).filter(
    (g) => g.entries.length > 0,
  );
}

export function findPattern(entries: readonly Pattern[], prefix: string): Pattern | undefined {
  return entries.find((e) => e.prefix === prefix);
}
