/**
 * Import, export and label names of the component model (design/mvp/Explainer.md
 * "Import and Export Definitions" and "Name Uniqueness"): which strings are valid
 * names, what their parts are, and when two names clash.
 */
import type { ExternName } from '../types.js';

// label ::= first-fragment ('-' fragment)*; a fragment is all lowercase (a word) or all uppercase (an acronym),
// digits allowed anywhere but at the very start of the label.
const LABEL = /^(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*$/;
// words ::= first-word ('-' word)*: the namespace and package parts of an interface name (lowercase only).
const WORDS = '[a-z][0-9a-z]*(?:-[0-9a-z]+)*';
const LABEL_SRC = '(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*';
// namespace+ words projection+ ('@' version)? (the nested 🪺 form included: it is a superset of the plain one).
const INTERFACE = new RegExp(`^((?:${WORDS}:)+)(${WORDS})((?:/${LABEL_SRC})+)(?:@(.+))?$`);
// https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
// 🔗 canonversion: a version cut after its first non-zero part (`1`, `0.2`, `0.0.1`, `0.0.0`).
const CANON_VERSION = /^(?:[1-9]\d*|0\.[1-9]\d*|0\.0\.[1-9]\d*|0\.0\.0)$/;
// The older dependency names (`url=<...>`, `integrity=<...>`...), which wasm-tools still reads.
const OTHER = /^(?:url|integrity|locked-dep|unlocked-dep|dep|relative-url|hash)=<[^<>]*>/;

/** Whether `s` is a `label`: kebab-case words (`a-b-c`) or acronyms (`XML-http`), starting with a letter. */
export function isLabel(s: string): boolean {
  return LABEL.test(s);
}

/** Whether `s` is a valid semantic version (semver.org 2.0), or a 🔗 canonical version. */
export function isVersion(s: string): boolean {
  return SEMVER.test(s) || CANON_VERSION.test(s);
}

/**
 * The parts of an import or export name, or null when `name` is not a valid `externname`:
 * a plain label (`greet`), a resource function (`[constructor]file`, `[method]file.read`,
 * `[static]file.open`), an interface name (`wasi:cli/run@0.2.3`), or one of the older
 * dependency forms (`url=<...>`), kept whole as `other`.
 */
export function parseExternName(name: string): ExternName | null {
  return plainInterfaceName(name) ?? parseExternNameByPattern(name);
}

/**
 * parseExternName by the grammar's regular expressions, for every name. Exported for the
 * test that checks plainInterfaceName against it.
 */
export function parseExternNameByPattern(name: string): ExternName | null {
  if (isLabel(name)) return { kind: 'plain', name };
  if (name.startsWith('[')) return parseAnnotated(name);
  const m = INTERFACE.exec(name);
  if (m !== null) {
    const version = m[4];
    if (version !== undefined && !isVersion(version)) return null;
    const namespaces = m[1]!.slice(0, -1);
    const projections = m[3]!.slice(1);
    return {
      kind: 'interface',
      namespace: namespaces,
      packageName: m[2]!,
      interfaceName: projections,
      version,
    };
  }
  return OTHER.test(name) ? { kind: 'other', name } : null;
}

/**
 * The common interface name, `ns:pkg/iface@1.2.3` with one namespace, one interface, all
 * lowercase and a plain version (or none), read character by character; null for any
 * other name, which the patterns read. A cold start compiles each regular expression on
 * its first use and runs the version's long one interpreted: a WASI command's 15 imports
 * and the host's 20 keys took about a millisecond of its start on Node 26.
 */
function plainInterfaceName(name: string): ExternName | null {
  const colon = words(name, 0);
  if (colon < 0 || name.charCodeAt(colon) !== 0x3a /* : */) return null;
  const slash = words(name, colon + 1);
  if (slash < 0 || name.charCodeAt(slash) !== 0x2f /* / */) return null;
  const end = words(name, slash + 1);
  if (end < 0) return null;
  let version: string | undefined;
  if (end < name.length) {
    if (name.charCodeAt(end) !== 0x40 /* @ */ || !isPlainVersion(name, end + 1)) return null;
    version = name.slice(end + 1);
  }
  return {
    kind: 'interface',
    namespace: name.slice(0, colon),
    packageName: name.slice(colon + 1, slash),
    interfaceName: name.slice(slash + 1, end),
    version,
  };
}

/**
 * The end of the lowercase `words` (`[a-z][0-9a-z]*(-[0-9a-z]+)*`, which is also a label)
 * starting at `at`, or -1 when none starts there.
 */
function words(name: string, at: number): number {
  if (!isLower(name.charCodeAt(at))) return -1;
  let i = at + 1;
  for (;;) {
    const c = name.charCodeAt(i);
    if (isLower(c) || isDigit(c)) i++;
    else if (c === 0x2d /* - */ && (isLower(name.charCodeAt(i + 1)) || isDigit(name.charCodeAt(i + 1)))) i += 2;
    else return i;
  }
}

/** Whether `name` from `at` to its end is `MAJOR.MINOR.PATCH`, each `0` or without a leading zero. */
export function isPlainVersion(name: string, at = 0): boolean {
  let i = at;
  for (let part = 0; part < 3; part++) {
    const first = i;
    while (isDigit(name.charCodeAt(i))) i++;
    if (i === first || (name.charCodeAt(first) === 0x30 /* 0 */ && i - first > 1)) return false;
    if (part < 2) {
      if (name.charCodeAt(i) !== 0x2e /* . */) return false;
      i++;
    }
  }
  return i === name.length;
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function parseAnnotated(name: string): ExternName | null {
  const close = name.indexOf(']');
  if (close < 0) return null;
  const annotation = name.slice(1, close);
  const rest = name.slice(close + 1);
  if (annotation === 'constructor') return isLabel(rest) ? { kind: 'constructor', resource: rest, name: rest } : null;
  if (annotation !== 'method' && annotation !== 'static') return null;
  const dot = rest.indexOf('.');
  if (dot < 0) return null;
  const resource = rest.slice(0, dot);
  const fn = rest.slice(dot + 1);
  return isLabel(resource) && isLabel(fn) ? { kind: annotation, resource, name: fn } : null;
}

/**
 * The canonical form under which two names clash (Explainer.md "Name Uniqueness"): acronyms
 * lowercased, `[method]l.l`/`[static]l.l` as `l`, and any annotation but `[constructor]` dropped.
 */
export function uniquenessKey(name: string): string {
  const lower = name.toLowerCase();
  for (const prefix of ['[method]', '[static]']) {
    if (!lower.startsWith(prefix)) continue;
    const rest = lower.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot >= 0 && rest.slice(0, dot) === rest.slice(dot + 1)) return rest.slice(0, dot);
    return rest;
  }
  return lower;
}

/**
 * The names seen so far in one scope (a record's fields, a component's imports...), to refuse
 * two that are not strongly-unique. `add` returns the earlier name `name` clashes with, or null.
 */
export class UniqueNames {
  private readonly seen = new Map<string, string>();

  add(name: string): string | null {
    const key = uniquenessKey(name);
    const earlier = this.seen.get(key);
    if (earlier !== undefined) return earlier;
    this.seen.set(key, name);
    return null;
  }
}
