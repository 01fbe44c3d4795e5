/**
 * Reads a WAVE literal (WebAssembly Value Encoding, bytecodealliance/wasm-tools
 * crates/wasm-wave/README.md) as the JavaScript value the canonical ABI takes for `type`.
 * The parse is directed by the type, so `{}` is empty flags or an all-optional record,
 * and `123` for an `option<u8>` is the flat form of `some(123)`.
 */
import { ArgumentError, type ArgumentErrorCode } from '../errors.js';
import { lowerCamelCase } from './js-names.js';
import type { ListType, ValType } from './types.js';
import { describeType, INTEGER_RANGES, type IntegerKind, typedArrayOf } from './wave-shared.js';

/**
 * Parses one WAVE value of `type`: `true`, `-7`, `3.5`, `nan`, `'c'`, `"text"`, `[1, 2]`,
 * `{x: 1}`, `(1, "a")`, `case(payload)`, `red`, `some(3)` or `3`, `none`, `ok(1)`, `err("x")`,
 * `{read, write}`. Whitespace and `//` comments may come between tokens.
 *
 * Returns the value in the canonical ABI's JS shape: numbers, bigints for s64/u64, a typed
 * array for a list of numbers (`Uint8Array` for `list<u8>`), objects with lowerCamelCase keys
 * for records and flags, `{ tag, val }` for variants and results, `undefined` for `none`.
 *
 * @param what names the value in error messages, e.g. `parameter "count"`.
 * @throws ArgumentError `ERR_ARG_TYPE` when the text is not a value of the type (what was
 *   expected, what was found, and the column), or the type has no WAVE form (resources,
 *   streams, futures, maps); `ERR_ARG_RANGE` when a number is outside the type's range.
 */
export function parseWave(text: string, type: ValType, what?: string): unknown {
  const parser = new WaveParser(text, what);
  const value = parser.value(type);
  parser.end();
  return value;
}

// A number as JSON writes one; integers are the same without fraction or exponent.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const INTEGER = /^-?[0-9]+$/;
// A label (kebab-case words) or keyword, with the optional `%` that escapes a keyword.
const WORD = /%?[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*/y;
const KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'inf', 'nan', 'some', 'none', 'ok', 'err']);

/** A word token: `label` without any `%`, and whether it was a bare keyword. */
interface Word {
  readonly label: string;
  readonly isKeyword: boolean;
  readonly start: number;
}

class WaveParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly what: string | undefined,
  ) {}

  value(type: ValType): unknown {
    this.skip();
    switch (type.kind) {
      case 'bool':
        return this.bool(type);
      case 's8':
      case 'u8':
      case 's16':
      case 'u16':
      case 's32':
      case 'u32':
      case 's64':
      case 'u64':
        return this.integer(type, type.kind);
      case 'f32':
      case 'f64':
        return this.float(type, type.kind);
      case 'char':
        return this.char(type);
      case 'string':
        return this.string(type);
      case 'list':
        return this.list(type);
      case 'tuple': {
        const values = this.sequence('(', ')', type, (i) => {
          const t = type.types[i];
          if (t === undefined) this.fail('ERR_ARG_TYPE', `a tuple of ${type.types.length}`);
          return this.value(t);
        });
        if (values.length !== type.types.length) {
          this.fail('ERR_ARG_TYPE', `${type.types.length} values in ${describeType(type)}`);
        }
        return values;
      }
      case 'record':
        return this.record(type);
      case 'flags':
        return this.flags(type);
      case 'enum': {
        const word = this.word(type);
        if (word.isKeyword || !type.names.includes(word.label)) this.failAt(word.start, type, type.names);
        return word.label;
      }
      case 'variant': {
        const word = this.word(type);
        const found = word.isKeyword ? undefined : type.cases.find((c) => c.name === word.label);
        if (found === undefined) {
          this.failAt(
            word.start,
            type,
            type.cases.map((c) => c.name),
          );
        }
        if (found.type === undefined) return { tag: found.name };
        return { tag: found.name, val: this.payload(found.type, type) };
      }
      case 'option':
        return this.option(type);
      case 'result':
        return this.result(type);
      default:
        return this.fail('ERR_ARG_TYPE', `a value WAVE can write (${describeType(type)} has no WAVE form)`);
    }
  }

  /** After the value: only whitespace and comments may follow. */
  end(): void {
    this.skip();
    if (this.pos < this.text.length) this.fail('ERR_ARG_TYPE', 'the end of the value');
  }

  private bool(type: ValType): boolean {
    const word = this.word(type);
    if (word.isKeyword && word.label === 'true') return true;
    if (word.isKeyword && word.label === 'false') return false;
    return this.failAt(word.start, type);
  }

  private integer(type: ValType, kind: IntegerKind): number | bigint {
    const start = this.pos;
    const token = this.numberToken();
    if (token === undefined || !INTEGER.test(token)) return this.failAt(start, type);
    const n = BigInt(token);
    const [min, max] = INTEGER_RANGES[kind];
    if (n < min || n > max) {
      this.pos = start;
      this.fail('ERR_ARG_RANGE', `${describeType(type)} in [${min}, ${max}]`, token);
    }
    return kind === 's64' || kind === 'u64' ? n : Number(n);
  }

  private float(type: ValType, kind: 'f32' | 'f64'): number {
    const start = this.pos;
    if (this.text.startsWith('-inf', this.pos) && !this.isWordChar(this.pos + 4)) {
      this.pos += 4;
      return Number.NEGATIVE_INFINITY;
    }
    if (this.isLetter(this.pos)) {
      const word = this.word(type);
      if (word.isKeyword && word.label === 'nan') return Number.NaN;
      if (word.isKeyword && word.label === 'inf') return Number.POSITIVE_INFINITY;
      return this.failAt(word.start, type);
    }
    const token = this.numberToken();
    if (token === undefined) return this.failAt(start, type);
    const n = kind === 'f32' ? Math.fround(Number(token)) : Number(token);
    if (!Number.isFinite(n)) {
      this.pos = start;
      this.fail('ERR_ARG_RANGE', `a finite ${kind} (write inf or -inf for infinity)`, token);
    }
    return n;
  }

  /** A JSON number at the cursor, or undefined; a number glued to letters (`1abc`) is not one. */
  private numberToken(): string | undefined {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null || this.isWordChar(this.pos + m[0].length)) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  private char(type: ValType): string {
    const start = this.pos;
    if (this.text[this.pos] !== "'") return this.failAt(start, type);
    this.pos++;
    const c = this.charItem("'", type);
    if (c === undefined || this.text[this.pos] !== "'") {
      this.pos = start;
      return this.fail('ERR_ARG_TYPE', `${describeType(type)}: one character between single quotes`);
    }
    this.pos++;
    return c;
  }

  /** One character of a char or string literal, unescaped; undefined at its closing quote. */
  private charItem(quote: string, type: ValType): string | undefined {
    const c = this.text.codePointAt(this.pos);
    if (c === undefined) {
      return this.fail('ERR_ARG_TYPE', `a closing ${quote} for ${describeType(type)}`);
    }
    const ch = String.fromCodePoint(c);
    if (ch === quote) return undefined;
    if (ch === '\n' || ch === '\r') {
      return this.fail('ERR_ARG_TYPE', `\\n or \\r in place of a line break in ${describeType(type)}`);
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      return this.fail('ERR_ARG_TYPE', 'a Unicode scalar value (the text has a lone surrogate)');
    }
    if (ch !== '\\') {
      this.pos += ch.length;
      return ch;
    }
    return this.escape();
  }

  /** An escape at the cursor (`\n`, `\u{1F600}`...), unescaped. */
  private escape(): string {
    const next = this.text[this.pos + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    if (next === 'u') {
      const m = /^u\{([0-9A-Fa-f]{1,6})\}/.exec(this.text.slice(this.pos + 1, this.pos + 11));
      const code = m === null ? undefined : Number.parseInt(m[1] as string, 16);
      if (m !== null && code !== undefined && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) {
        this.pos += 1 + m[0].length;
        return String.fromCodePoint(code);
      }
    }
    return this.fail('ERR_ARG_TYPE', 'an escape (\\n \\t \\r \\\' \\" \\\\ or \\u{hex} of a Unicode scalar value)');
  }

  private string(type: ValType): string {
    const start = this.pos;
    if (this.text.startsWith('"""', this.pos)) return this.multiline();
    if (this.text[this.pos] !== '"') return this.failAt(start, type);
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.charItem('"', type);
      if (c === undefined) break;
      out += c;
    }
    this.pos++;
    return out;
  }

  /**
   * `"""` + line break, lines, line break + indent + `"""`: the closing line's spaces are
   * the indent every line loses, and the first and last line breaks are not part of the text.
   */
  private multiline(): string {
    const open = this.pos;
    this.pos += 3;
    if (this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    else if (this.text[this.pos] === '\n') this.pos++;
    else return this.fail('ERR_ARG_TYPE', 'a line break right after """');
    const bodyStart = this.pos;
    let end = -1;
    for (let i = this.pos; i < this.text.length; i++) {
      if (this.text[i] === '\\') i++;
      else if (this.text.startsWith('"""', i)) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      this.pos = open;
      return this.fail('ERR_ARG_TYPE', 'a closing """ for the multiline string');
    }
    // Lines and the line breaks between them, alternating, so each line's place in the text is known.
    const parts = this.text.slice(bodyStart, end).split(/(\r?\n)/);
    const last = parts.pop() ?? '';
    if (!/^ *$/.test(last) || parts.length === 0) {
      this.pos = end;
      return this.fail('ERR_ARG_TYPE', 'a line break and only spaces before the closing """');
    }
    const indent = last.length;
    let offset = bodyStart;
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i] ?? '';
      if (line.length > 0 && !line.startsWith(' '.repeat(indent))) {
        this.pos = offset;
        return this.fail('ERR_ARG_TYPE', `${indent} spaces of indent (as before the closing """)`);
      }
      out.push(this.unescapeLine(line.slice(indent), offset + Math.min(indent, line.length)));
      offset += line.length + (parts[i + 1]?.length ?? 0);
    }
    this.pos = end + 3;
    return out.join('\n');
  }

  /** The escapes of one multiline-string line, with errors at their place in the text. */
  private unescapeLine(line: string, at: number): string {
    let out = '';
    const saved = this.pos;
    this.pos = at;
    const stop = at + line.length;
    while (this.pos < stop) {
      const c = this.text.codePointAt(this.pos) as number;
      if (c >= 0xd800 && c <= 0xdfff) {
        this.fail('ERR_ARG_TYPE', 'a Unicode scalar value (the text has a lone surrogate)');
      }
      if (c === 0x5c) out += this.escape();
      else {
        const ch = String.fromCodePoint(c);
        out += ch;
        this.pos += ch.length;
      }
    }
    this.pos = saved;
    return out;
  }

  private list(type: ListType): unknown {
    const values = this.sequence('[', ']', type, () => this.value(type.element));
    if (type.length !== undefined && values.length !== type.length) {
      this.fail('ERR_ARG_TYPE', `${type.length} elements in ${describeType(type)}`);
    }
    const Typed = typedArrayOf(type.element);
    if (Typed === undefined) return values;
    return Typed.from(values as never[]);
  }

  /** `open` values separated by commas (a trailing one allowed) `close`. */
  private sequence(open: string, close: string, type: ValType, item: (index: number) => unknown): unknown[] {
    if (this.text[this.pos] !== open) this.failAt(this.pos, type);
    this.pos++;
    const values: unknown[] = [];
    for (;;) {
      this.skip();
      if (this.text[this.pos] === close) break;
      values.push(item(values.length));
      this.skip();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] !== close) this.fail('ERR_ARG_TYPE', `"," or "${close}"`);
    }
    this.pos++;
    return values;
  }

  private record(type: ValType & { kind: 'record' }): Record<string, unknown> {
    if (this.text[this.pos] !== '{') this.failAt(this.pos, type);
    this.pos++;
    this.skip();
    const seen = new Map<string, unknown>();
    if (this.text[this.pos] === ':') {
      // `{:}`: the record whose fields are all omitted (all options, all none).
      this.pos++;
      this.skip();
      if (this.text[this.pos] !== '}') this.fail('ERR_ARG_TYPE', '"}" after "{:"');
    }
    while (this.text[this.pos] !== '}') {
      const word = this.word(type);
      const field = type.fields.find((f) => f.name === word.label);
      if (field === undefined) {
        this.failAt(
          word.start,
          type,
          type.fields.map((f) => f.name),
          'a field of',
        );
      }
      if (seen.has(field.name)) {
        this.pos = word.start;
        this.fail('ERR_ARG_TYPE', `field "${field.name}" once (it is given twice)`);
      }
      this.skip();
      if (this.text[this.pos] !== ':') this.fail('ERR_ARG_TYPE', `":" after field "${field.name}"`);
      this.pos++;
      seen.set(field.name, this.value(field.type));
      this.skip();
      if (this.text[this.pos] === ',') {
        this.pos++;
        this.skip();
      } else if (this.text[this.pos] !== '}') this.fail('ERR_ARG_TYPE', '"," or "}"');
    }
    const close = this.pos;
    this.pos++;
    const out: Record<string, unknown> = {};
    for (const f of type.fields) {
      if (!seen.has(f.name) && f.type.kind !== 'option') {
        this.pos = close;
        this.fail('ERR_ARG_TYPE', `field "${f.name}" of ${describeType(type)} (only option fields may be left out)`);
      }
      out[lowerCamelCase(f.name)] = seen.get(f.name);
    }
    return out;
  }

  private flags(type: ValType & { kind: 'flags' }): Record<string, boolean> {
    if (this.text[this.pos] !== '{') this.failAt(this.pos, type);
    this.pos++;
    const set = new Set<string>();
    for (;;) {
      this.skip();
      if (this.text[this.pos] === '}') break;
      const word = this.word(type);
      if (!type.names.includes(word.label)) this.failAt(word.start, type, type.names, 'a flag of');
      set.add(word.label);
      this.skip();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail('ERR_ARG_TYPE', '"," or "}"');
    }
    this.pos++;
    const out: Record<string, boolean> = {};
    for (const name of type.names) out[lowerCamelCase(name)] = set.has(name);
    return out;
  }

  private option(type: ValType & { kind: 'option' }): unknown {
    const nested = type.type.kind === 'option';
    const word = this.peekWord();
    if (word?.isKeyword && (word.label === 'some' || word.label === 'none')) {
      this.pos = word.start + word.label.length;
      if (word.label === 'none') return nested ? { tag: 'none' } : undefined;
      const val = this.payload(type.type, type);
      return nested ? { tag: 'some', val } : val;
    }
    // The flat form: a `some` payload written alone, which WAVE allows unless it is an option or result.
    if (nested || type.type.kind === 'result') {
      return this.fail('ERR_ARG_TYPE', `some(...) or none for ${describeType(type)}`);
    }
    return this.value(type.type);
  }

  private result(type: ValType & { kind: 'result' }): unknown {
    const word = this.peekWord();
    if (word?.isKeyword && (word.label === 'ok' || word.label === 'err')) {
      this.pos = word.start + word.label.length;
      const payloadType = word.label === 'ok' ? type.ok : type.err;
      if (payloadType === undefined) return { tag: word.label };
      return { tag: word.label, val: this.payload(payloadType, type) };
    }
    if (type.ok === undefined || type.ok.kind === 'option' || type.ok.kind === 'result') {
      return this.fail('ERR_ARG_TYPE', `ok(...) or err(...) for ${describeType(type)}`);
    }
    return { tag: 'ok', val: this.value(type.ok) };
  }

  /** `(value)` after a case, `some`, `ok` or `err`. */
  private payload(payloadType: ValType, outer: ValType): unknown {
    this.skip();
    if (this.text[this.pos] !== '(') this.fail('ERR_ARG_TYPE', `"(" and a payload in ${describeType(outer)}`);
    this.pos++;
    const val = this.value(payloadType);
    this.skip();
    if (this.text[this.pos] !== ')') this.fail('ERR_ARG_TYPE', `")" after the payload in ${describeType(outer)}`);
    this.pos++;
    return val;
  }

  private word(type: ValType): Word {
    const word = this.peekWord();
    if (word === undefined) return this.failAt(this.pos, type);
    this.pos = word.end;
    return word;
  }

  private peekWord(): (Word & { readonly end: number }) | undefined {
    WORD.lastIndex = this.pos;
    const m = WORD.exec(this.text);
    if (m === null) return undefined;
    const escaped = m[0].startsWith('%');
    const label = escaped ? m[0].slice(1) : m[0];
    return { label, isKeyword: !escaped && KEYWORDS.has(label), start: this.pos, end: this.pos + m[0].length };
  }

  /** Whitespace and `//` comments. */
  private skip(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else if (c === 0x2f && text.charCodeAt(this.pos + 1) === 0x2f) {
        const eol = text.indexOf('\n', this.pos);
        this.pos = eol < 0 ? text.length : eol + 1;
      } else return;
    }
  }

  private isWordChar(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return (
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d ||
      c === 0x25 ||
      c === 0x2e
    );
  }

  private isLetter(i: number): boolean {
    const c = this.text.charCodeAt(i) | 0x20;
    return c >= 0x61 && c <= 0x7a;
  }

  /** Fails at `start` saying that a value of `type` (one of `choices`, when given) was expected. */
  private failAt(start: number, type: ValType, choices?: readonly string[], prefix?: string): never {
    this.pos = start;
    const expected =
      choices === undefined
        ? describeType(type)
        : `${prefix ?? 'a case of'} ${describeType(type)} (${choices.join(', ')})`;
    return this.fail('ERR_ARG_TYPE', expected);
  }

  private fail(code: ArgumentErrorCode, expected: string, found?: string): never {
    const where = this.what === undefined ? '' : ` for ${this.what}`;
    const got = found ?? this.foundHere();
    throw new ArgumentError(code, `expected ${expected}${where}, got ${got} (${this.position()})`);
  }

  /** The token at the cursor, for "got ..." in messages. */
  private foundHere(): string {
    if (this.pos >= this.text.length) return 'the end of the text';
    const rest = this.text.slice(this.pos);
    const m = /^(?:"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[A-Za-z0-9%.+-]+|.)/su.exec(rest);
    const token = m === null ? rest : m[0];
    return JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token);
  }

  private position(): string {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    return this.text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  "'": "'",
  '"': '"',
  '\\': '\\',
};
