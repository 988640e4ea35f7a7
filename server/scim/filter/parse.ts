/**
 * The SCIM filter and PATCH path grammar (RFC 7644 §3.4.2.2, §3.5.2): attribute names are
 * case-insensitive, operators and keywords too; `not` binds tighter than `and`, which binds
 * tighter than `or`. Length and nesting are limited so that no input can exhaust the stack.
 */
import { ApiError } from '../../errors';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type Value = string | number | boolean | null;

export interface AttrPath {
  /** The schema URN, when the path names one; null means the core schema. */
  urn: string | null;
  name: string;
  sub: string | null;
}

export type Filter =
  | { kind: 'logical'; op: 'and' | 'or'; items: Filter[] }
  | { kind: 'not'; filter: Filter }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'compare'; op: CompareOp; path: AttrPath; value: Value }
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

export interface PatchPath {
  attr: AttrPath;
  filter: Filter | null;
  /** The sub-attribute after a value filter: `emails[type eq "work"].value`. */
  sub: string | null;
}

export interface ParseLimits {
  maxLength: number;
  maxDepth: number;
  /** Schema URNs a path may start with. */
  urns: string[];
}

const compareOps = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
const nameRe = /^[A-Za-z$][\w$-]*$/;

type Token = { type: 'word' | 'string' | 'number' | '(' | ')' | '[' | ']'; text: string; at: number };

const invalid = (message: string, scimType: 'invalidFilter' | 'invalidPath' = 'invalidFilter') =>
  new ApiError(400, scimType, message, { scimType });

function tokenize(text: string, scimType: 'invalidFilter' | 'invalidPath'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ type: c, text: c, at: i });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw invalid(`unterminated string at position ${i + 1}`, scimType);
      tokens.push({ type: 'string', text: text.slice(i, j + 1), at: i });
      i = j + 1;
      continue;
    }
    const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[\s()[\]]|$)/.exec(text.slice(i));
    if (m) {
      tokens.push({ type: 'number', text: m[0], at: i });
      i += m[0].length;
      continue;
    }
    const w = /^[^\s()[\]"]+/.exec(text.slice(i));
    if (!w) throw invalid(`unexpected character "${c}" at position ${i + 1}`, scimType);
    tokens.push({ type: 'word', text: w[0], at: i });
    i += w[0].length;
  }
  return tokens;
}

/** Splits `urn:…:User:name.givenName` or `name.givenName` into schema, attribute and sub-attribute. */
export function parseAttrPath(
  text: string,
  urns: string[],
  scimType: 'invalidFilter' | 'invalidPath' = 'invalidFilter',
): AttrPath {
  let urn: string | null = null;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const known = urns.filter((u) => text.toLowerCase().startsWith(`${u.toLowerCase()}:`)).sort((a, b) => b.length - a.length)[0];
    if (!known) {
      const exact = urns.find((u) => u.toLowerCase() === text.toLowerCase());
      if (exact) throw invalid(`"${text}" names a schema, not an attribute`, scimType);
      throw invalid(`unknown schema in "${text}"`, scimType);
    }
    urn = known;
    rest = text.slice(known.length + 1);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => nameRe.test(p))) throw invalid(`"${text}" is not an attribute path`, scimType);
  return { urn, name: parts[0]!, sub: parts[1] ?? null };
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly limits: ParseLimits,
    private readonly scimType: 'invalidFilter' | 'invalidPath',
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw invalid('the filter ends too early', this.scimType);
    return t;
  }
  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.type === 'word' && t.text.toLowerCase() === word;
  }
  private enter(): void {
    if (++this.depth > this.limits.maxDepth)
      throw invalid(`the filter nests deeper than ${this.limits.maxDepth} levels`, this.scimType);
  }
  private leave(): void {
    this.depth--;
  }
  private expect(type: Token['type']): void {
    const t = this.next();
    if (t.type !== type) throw invalid(`expected "${type}" at position ${t.at + 1}, found "${t.text}"`, this.scimType);
  }

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }
  rest(): Token | undefined {
    return this.peek();
  }

  parseOr(): Filter {
    const items = [this.parseAnd()];
    while (this.isWord('or')) {
      this.pos++;
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: 'logical', op: 'or', items };
  }

  private parseAnd(): Filter {
    const items = [this.parseNot()];
    while (this.isWord('and')) {
      this.pos++;
      items.push(this.parseNot());
    }
    return items.length === 1 ? items[0]! : { kind: 'logical', op: 'and', items };
  }

  private parseNot(): Filter {
    if (this.isWord('not')) {
      this.pos++;
      this.enter();
      this.expect('(');
      const filter = this.parseOr();
      this.expect(')');
      this.leave();
      return { kind: 'not', filter };
    }
    return this.parseAtom();
  }

  private parseAtom(): Filter {
    const t = this.next();
    if (t.type === '(') {
      this.enter();
      const inner = this.parseOr();
      this.expect(')');
      this.leave();
      return inner;
    }
    if (t.type !== 'word') throw invalid(`expected an attribute at position ${t.at + 1}, found "${t.text}"`, this.scimType);
    const path = parseAttrPath(t.text, this.limits.urns, this.scimType);
    if (this.peek()?.type === '[') {
      if (path.sub) throw invalid(`"${t.text}": a value filter applies to a multi-valued attribute`, this.scimType);
      this.pos++;
      this.enter();
      const filter = this.parseOr();
      this.expect(']');
      this.leave();
      return { kind: 'valuePath', path, filter };
    }
    const opToken = this.next();
    const op = opToken.text.toLowerCase();
    if (opToken.type !== 'word' || (op !== 'pr' && !compareOps.has(op)))
      throw invalid(`unknown operator "${opToken.text}" at position ${opToken.at + 1}`, this.scimType);
    if (op === 'pr') return { kind: 'present', path };
    return { kind: 'compare', op: op as CompareOp, path, value: this.parseValue() };
  }

  private parseValue(): Value {
    const t = this.next();
    if (t.type === 'string') {
      try {
        return JSON.parse(t.text) as string;
      } catch {
        throw invalid(`bad string at position ${t.at + 1}`, this.scimType);
      }
    }
    if (t.type === 'number') return Number(t.text);
    if (t.type === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw invalid(`expected a value at position ${t.at + 1}, found "${t.text}" (strings need double quotes)`, this.scimType);
  }
}

export function parseFilter(text: string, limits: ParseLimits): Filter {
  if (text.length > limits.maxLength) throw invalid(`the filter is longer than ${limits.maxLength} characters`);
  if (text.trim() === '') throw invalid('the filter is empty');
  const parser = new Parser(tokenize(text, 'invalidFilter'), limits, 'invalidFilter');
  const filter = parser.parseOr();
  if (!parser.done) throw invalid(`unexpected "${parser.rest()!.text}" at position ${parser.rest()!.at + 1}`);
  return filter;
}

/** A PATCH `path`: `attr`, `attr.sub`, `urn:…:attr`, `attr[filter]` or `attr[filter].sub`. */
export function parsePatchPath(text: string, limits: ParseLimits): PatchPath {
  if (text.length > limits.maxLength) throw invalid(`the path is longer than ${limits.maxLength} characters`, 'invalidPath');
  const open = text.indexOf('[');
  if (open === -1) return { attr: parseAttrPath(text.trim(), limits.urns, 'invalidPath'), filter: null, sub: null };
  const close = text.lastIndexOf(']');
  if (close < open) throw invalid(`unbalanced brackets in "${text}"`, 'invalidPath');
  const attr = parseAttrPath(text.slice(0, open).trim(), limits.urns, 'invalidPath');
  if (attr.sub) throw invalid(`"${text}": a value filter applies to a multi-valued attribute`, 'invalidPath');
  const tail = text.slice(close + 1);
  if (tail !== '' && !/^\.[A-Za-z$][\w$-]*$/.test(tail))
    throw invalid(`unexpected "${tail}" after "]" in "${text}"`, 'invalidPath');
  const inner = text.slice(open + 1, close);
  const parser = new Parser(tokenize(inner, 'invalidPath'), limits, 'invalidPath');
  const filter = parser.parseOr();
  if (!parser.done) throw invalid(`unexpected "${parser.rest()!.text}" in the value filter of "${text}"`, 'invalidPath');
  return { attr, filter, sub: tail ? tail.slice(1) : null };
}
