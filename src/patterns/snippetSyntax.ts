/**
 * VS Code snippet syntax (the TextMate dialect VS Code implements), reduced to what a preview or a
 * test needs: the text a user gets by inserting a snippet and tabbing through every placeholder
 * without typing. Pure: no vscode, no Node.
 *
 * Grammar handled: `$1`, `${1}`, `${1:default}` (defaults may nest placeholders and variables),
 * `${1|one,two|}` choices, `$NAME`/`${NAME}`/`${NAME:default}` variables, `${1/regex/format/flags}`
 * and `${NAME/regex/format/flags}` transforms, and the escapes `\$`, `\}`, `\\` (plus `\,` `\|`
 * inside choices). Malformed constructs fall back to literal text, as VS Code's parser does.
 */

interface TextNode {
  kind: 'text';
  value: string;
}

interface TabstopNode {
  kind: 'tabstop';
  index: number;
  children: SnippetNode[];
  /** Options of a `${1|a,b|}` choice; the first one is the default. */
  choice?: string[];
  transform?: Transform;
}

interface VariableNode {
  kind: 'variable';
  name: string;
  children: SnippetNode[];
  transform?: Transform;
}

export type SnippetNode = TextNode | TabstopNode | VariableNode;

type FormatPart =
  | { kind: 'text'; value: string }
  | { kind: 'group'; index: number; shorthand?: string; ifValue?: string; elseValue?: string };

interface Transform {
  regexp: RegExp;
  format: FormatPart[];
}

/** Variable names VS Code resolves itself; any other name is "unknown" and inserts its own name. */
export const KNOWN_SNIPPET_VARIABLES: ReadonlySet<string> = new Set([
  'CURRENT_YEAR',
  'CURRENT_YEAR_SHORT',
  'CURRENT_MONTH',
  'CURRENT_DATE',
  'CURRENT_HOUR',
  'CURRENT_MINUTE',
  'CURRENT_SECOND',
  'CURRENT_DAY_NAME',
  'CURRENT_DAY_NAME_SHORT',
  'CURRENT_MONTH_NAME',
  'CURRENT_MONTH_NAME_SHORT',
  'CURRENT_SECONDS_UNIX',
  'CURRENT_TIMEZONE_OFFSET',
  'SELECTION',
  'CLIPBOARD',
  'TM_SELECTED_TEXT',
  'TM_CURRENT_LINE',
  'TM_CURRENT_WORD',
  'TM_LINE_INDEX',
  'TM_LINE_NUMBER',
  'TM_FILENAME',
  'TM_FILENAME_BASE',
  'TM_DIRECTORY',
  'TM_FILEPATH',
  'CURSOR_INDEX',
  'CURSOR_NUMBER',
  'RELATIVE_FILEPATH',
  'BLOCK_COMMENT_START',
  'BLOCK_COMMENT_END',
  'LINE_COMMENT',
  'WORKSPACE_NAME',
  'WORKSPACE_FOLDER',
  'RANDOM',
  'RANDOM_HEX',
  'UUID',
]);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_0-9]/.test(c);

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parseAll(): SnippetNode[] {
    return this.sequence(false).nodes;
  }

  /** Reads nodes until EOF or, when `closable`, an unescaped `}` (consumed). */
  private sequence(closable: boolean): { nodes: SnippetNode[]; closed: boolean } {
    const nodes: SnippetNode[] = [];
    const pushText = (value: string): void => {
      const last = nodes[nodes.length - 1];
      if (last?.kind === 'text') last.value += value;
      else nodes.push({ kind: 'text', value });
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          pushText(next);
          this.pos += 2;
        } else {
          pushText('\\');
          this.pos += 1;
        }
      } else if (c === '}' && closable) {
        this.pos += 1;
        return { nodes, closed: true };
      } else if (c === '$') {
        const start = this.pos;
        const parsed = this.dollar();
        if (parsed === undefined) {
          this.pos = start + 1;
          pushText('$');
        } else {
          for (const n of parsed) {
            if (n.kind === 'text') pushText(n.value);
            else nodes.push(n);
          }
        }
      } else {
        pushText(c);
        this.pos += 1;
      }
    }
    return { nodes, closed: false };
  }

  /** At a `$`: a tabstop, variable, or (for an unclosed `${1:`) literal text plus what followed. */
  private dollar(): SnippetNode[] | undefined {
    this.pos += 1;
    const c = this.src[this.pos];
    if (isDigit(c)) return [{ kind: 'tabstop', index: Number(this.readWhile(isDigit)), children: [] }];
    if (isNameStart(c)) return [{ kind: 'variable', name: this.readWhile(isNameChar), children: [] }];
    if (c !== '{') return undefined;
    this.pos += 1;
    const head = this.src[this.pos];
    if (isDigit(head)) {
      const raw = this.readWhile(isDigit);
      const node: TabstopNode = { kind: 'tabstop', index: Number(raw), children: [] };
      return this.complex(node, raw);
    }
    if (isNameStart(head)) {
      const name = this.readWhile(isNameChar);
      const node: VariableNode = { kind: 'variable', name, children: [] };
      return this.complex(node, name);
    }
    return undefined;
  }

  private complex(node: TabstopNode | VariableNode, raw: string): SnippetNode[] | undefined {
    const c = this.src[this.pos];
    if (c === '}') {
      this.pos += 1;
      return [node];
    }
    if (c === ':') {
      this.pos += 1;
      const { nodes, closed } = this.sequence(true);
      if (closed) {
        node.children = nodes;
        return [node];
      }
      // Unclosed: VS Code keeps the opening as text and the parsed content after it.
      return [{ kind: 'text', value: '${' + raw + ':' }, ...nodes];
    }
    if (c === '|' && node.kind === 'tabstop' && node.index > 0) {
      this.pos += 1;
      const choice = this.choice();
      if (!choice) return undefined;
      node.choice = choice;
      return [node];
    }
    if (c === '/') {
      this.pos += 1;
      const transform = this.transform();
      if (!transform) return undefined;
      node.transform = transform;
      return [node];
    }
    return undefined;
  }

  /** After `${1|`: options up to `|}`. */
  private choice(): string[] | undefined {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && [',', '|', '\\'].includes(this.src[this.pos + 1])) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === ',' || c === '|') {
        if (current === '') return undefined;
        options.push(current);
        current = '';
        this.pos += 1;
        if (c === '|') {
          if (this.src[this.pos] !== '}') return undefined;
          this.pos += 1;
          return options;
        }
      } else {
        current += c;
        this.pos += 1;
      }
    }
    return undefined;
  }

  /** After `${1/`: `regex/format/flags}`. */
  private transform(): Transform | undefined {
    let regex = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) return undefined;
      this.pos += 1;
      if (c === '/') break;
      if (c === '\\' && this.src[this.pos] === '/') {
        regex += '/';
        this.pos += 1;
      } else {
        regex += c;
      }
    }
    const format: FormatPart[] = [];
    const pushText = (value: string): void => {
      const last = format[format.length - 1];
      if (last?.kind === 'text') last.value += value;
      else format.push({ kind: 'text', value });
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) return undefined;
      if (c === '/') {
        this.pos += 1;
        break;
      }
      if (c === '\\' && (this.src[this.pos + 1] === '\\' || this.src[this.pos + 1] === '/')) {
        pushText(this.src[this.pos + 1]);
        this.pos += 2;
        continue;
      }
      if (c === '$') {
        const group = this.formatGroup();
        if (group) {
          format.push(group);
          continue;
        }
      }
      pushText(c);
      this.pos += 1;
    }
    const flags = this.until('}');
    if (flags === undefined) return undefined;
    try {
      return { regexp: new RegExp(regex, flags), format };
    } catch {
      return undefined;
    }
  }

  /** At a `$` inside a format: `$1`, `${1}`, `${1:/upcase}`, `${1:+if}`, `${1:-else}`, `${1:?if:else}`, `${1:else}`. */
  private formatGroup(): FormatPart | undefined {
    const start = this.pos;
    this.pos += 1;
    const braced = this.src[this.pos] === '{';
    if (braced) this.pos += 1;
    if (!isDigit(this.src[this.pos])) {
      this.pos = start;
      return undefined;
    }
    const index = Number(this.readWhile(isDigit));
    if (!braced) return { kind: 'group', index };
    if (this.src[this.pos] === '}') {
      this.pos += 1;
      return { kind: 'group', index };
    }
    if (this.src[this.pos] !== ':') {
      this.pos = start;
      return undefined;
    }
    this.pos += 1;
    const mode = this.src[this.pos];
    if (mode === '/') {
      this.pos += 1;
      const shorthand = this.readWhile(isNameChar);
      if (shorthand !== '' && this.src[this.pos] === '}') {
        this.pos += 1;
        return { kind: 'group', index, shorthand };
      }
    } else if (mode === '+' || mode === '-') {
      this.pos += 1;
      const value = this.until('}');
      if (value)
        return mode === '+' ? { kind: 'group', index, ifValue: value } : { kind: 'group', index, elseValue: value };
    } else if (mode === '?') {
      this.pos += 1;
      const ifValue = this.until(':');
      const elseValue = ifValue ? this.until('}') : undefined;
      if (ifValue && elseValue) return { kind: 'group', index, ifValue, elseValue };
    } else {
      const elseValue = this.until('}');
      if (elseValue) return { kind: 'group', index, elseValue };
    }
    this.pos = start;
    return undefined;
  }

  /** Text up to an unescaped `stop` (consumed), unescaping `\$ \} \\`; undefined at EOF. */
  private until(stop: string): string | undefined {
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === stop) {
        this.pos += 1;
        return out;
      }
      if (c === '\\' && ['$', '}', '\\'].includes(this.src[this.pos + 1])) {
        out += this.src[this.pos + 1];
        this.pos += 2;
      } else {
        out += c;
        this.pos += 1;
      }
    }
    return undefined;
  }

  private readWhile(pred: (c: string | undefined) => boolean): string {
    const start = this.pos;
    while (pred(this.src[this.pos])) this.pos += 1;
    return this.src.slice(start, this.pos);
  }
}

export function parseSnippet(body: string): SnippetNode[] {
  return new Parser(body).parseAll();
}

function pascalWords(value: string): string[] {
  return value.match(/[a-z0-9]+/gi) ?? [];
}

function applyFormatPart(part: Extract<FormatPart, { kind: 'group' }>, value: string): string {
  switch (part.shorthand) {
    case 'upcase':
      return value.toLocaleUpperCase();
    case 'downcase':
      return value.toLocaleLowerCase();
    case 'capitalize':
      return value === '' ? '' : value[0].toLocaleUpperCase() + value.slice(1);
    case 'pascalcase': {
      const words = pascalWords(value);
      return words.length === 0 ? value : words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
    }
    case 'camelcase': {
      const words = pascalWords(value);
      return words.length === 0
        ? value
        : words.map((w, i) => (i === 0 ? w[0].toLowerCase() : w[0].toUpperCase()) + w.slice(1)).join('');
    }
    default:
      if (value !== '' && part.ifValue !== undefined) return part.ifValue;
      if (value === '' && part.elseValue !== undefined) return part.elseValue;
      return value;
  }
}

function applyTransform(t: Transform, value: string): string {
  const format = (groups: (string | undefined)[]): string =>
    t.format.map((p) => (p.kind === 'text' ? p.value : applyFormatPart(p, groups[p.index] ?? ''))).join('');
  let matched = false;
  const out = value.replace(t.regexp, (...args: unknown[]) => {
    matched = true;
    // args: match, groups…, offset, input[, named groups]: keep everything before the offset.
    const end = args.findIndex((a) => typeof a === 'number');
    return format(args.slice(0, end) as (string | undefined)[]);
  });
  const hasElse = t.format.some((p) => p.kind === 'group' && p.elseValue !== undefined);
  return !matched && hasElse ? format([]) : out;
}

/**
 * The text a snippet inserts when every placeholder keeps its default: choices take their first
 * option, mirrors (`$1` after `${1:name}`) repeat the first default given for their index, transforms
 * are applied (as VS Code does when the user tabs past the placeholder), variables come from
 * `variables` (an empty value counts as unset, as VS Code's resolvers treat an empty selection),
 * else their own default, else "" for a known variable or the variable's name for an unknown one.
 */
export function expandDefaults(body: string, variables: Readonly<Record<string, string>> = {}): string {
  const nodes = parseSnippet(body);

  // First placeholder (document order, outer before inner) with content defines each index's default.
  const defaults = new Map<number, TabstopNode>();
  const collect = (list: SnippetNode[]): void => {
    for (const n of list) {
      if (n.kind === 'text') continue;
      if (n.kind === 'tabstop' && n.index !== 0 && !defaults.has(n.index) && (n.children.length > 0 || n.choice)) {
        defaults.set(n.index, n);
      }
      collect(n.children);
    }
  };
  collect(nodes);

  const render = (list: SnippetNode[], active: ReadonlySet<number>): string =>
    list.map((n) => renderNode(n, active)).join('');

  // `active`: indexes whose default is being rendered, so a default that mirrors itself ends.
  const ownText = (n: TabstopNode, active: ReadonlySet<number>): string => {
    if (n.choice) return n.choice[0];
    if (n.children.length > 0) return render(n.children, new Set([...active, n.index]));
    const source = defaults.get(n.index);
    if (!source || active.has(n.index)) return '';
    return ownText(source, active);
  };

  const renderNode = (n: SnippetNode, active: ReadonlySet<number>): string => {
    if (n.kind === 'text') return n.value;
    if (n.kind === 'tabstop') {
      const text = ownText(n, active);
      return n.transform ? applyTransform(n.transform, text) : text;
    }
    const given = Object.prototype.hasOwnProperty.call(variables, n.name) ? variables[n.name] : undefined;
    if (n.transform) return applyTransform(n.transform, given ?? '');
    if (given !== undefined && given !== '') return given;
    if (n.children.length > 0) return render(n.children, active);
    return KNOWN_SNIPPET_VARIABLES.has(n.name) ? '' : n.name;
  };

  return render(nodes, new Set());
}
