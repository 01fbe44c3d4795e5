/**
 * A parsed component (`ComponentAst`) as text and back, for the CLI's parse cache
 * (engine/cache/parse-cache.ts): a command component's parse and validation took
 * 8-9 ms of a 99 ms `run` on Node 26 (each parser function runs once, interpreted),
 * and reading it back takes about 1.
 *
 * The AST is a graph, not a tree: a type is shared by every place that uses it, and a
 * resource type is compared by identity (../types.ts), so the text keeps identity. It is
 * JSON of one array of nodes, the root first, each written once:
 * `["o", [key, value, ...]]` a plain object, `["a", [value, ...]]` an array,
 * `["m", [key, value, ...]]` a Map, `["s", [value, ...]]` a Set, and `["b", offset, length]`
 * a view of the component's own bytes (a core module, a custom section's contents).
 * A value is a string, a finite number, a boolean or null as itself, `[index]` for
 * the node of that index, `["u"]` for undefined, `["n", "123"]` for a bigint and
 * `["d", "NaN"]` for NaN, the infinities and -0.
 *
 * Encoding refuses (returns null) anything else: a function, a symbol, an object of a
 * class, bytes that are not a view of the component's. Decoding checks every index,
 * tag and range and throws `Error` on any mismatch; the cache also checks a hash of
 * the whole text before it decodes, so this guards against a bug, not a bit flip.
 */
import type { ComponentAst } from './ast.js';

type Encoded = string | number | boolean | null | readonly [number] | readonly [string, string?];
type Node = readonly ['o' | 'a' | 'm' | 's', readonly Encoded[]] | readonly ['b', number, number];

/** `ast` as text, or null when it holds something the text cannot express. */
export function encodeAst(ast: ComponentAst, bytes: Uint8Array): string | null {
  const ids = new Map<object, number>();
  const nodes: Node[] = [];
  const value = (v: unknown): Encoded => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? v : ['d', String(Object.is(v, -0) ? '-0' : v)];
      case 'undefined':
        return ['u'];
      case 'bigint':
        return ['n', v.toString()];
      case 'object':
        return v === null ? null : [node(v)];
      default:
        throw new Unencodable();
    }
  };
  const node = (o: object): number => {
    const known = ids.get(o);
    if (known !== undefined) return known;
    const id = nodes.length;
    ids.set(o, id);
    nodes.push(['a', []]);
    nodes[id] = describe(o);
    return id;
  };
  const describe = (o: object): Node => {
    if (Array.isArray(o)) return ['a', o.map(value)];
    if (o instanceof Map) {
      const list: Encoded[] = [];
      for (const [k, v] of o) list.push(value(k), value(v));
      return ['m', list];
    }
    if (o instanceof Set) return ['s', [...o].map(value)];
    if (o instanceof Uint8Array) {
      if (o.buffer !== bytes.buffer) throw new Unencodable();
      return ['b', o.byteOffset - bytes.byteOffset, o.byteLength];
    }
    if (Object.getPrototypeOf(o) !== Object.prototype || Object.getOwnPropertySymbols(o).length > 0) {
      throw new Unencodable();
    }
    const list: Encoded[] = [];
    // Own enumerable keys, getters read (the AST's `names` is one, decoded on first use).
    for (const key of Object.keys(o)) list.push(key, value((o as Record<string, unknown>)[key]));
    return ['o', list];
  };
  try {
    node(ast);
  } catch (error) {
    if (error instanceof Unencodable) return null;
    throw error;
  }
  return JSON.stringify(nodes);
}

/** The AST `encodeAst` wrote for `bytes`. Throws `Error` when `text` is not such a text. */
export function decodeAst(text: string, bytes: Uint8Array): ComponentAst {
  const nodes: unknown = JSON.parse(text);
  if (!Array.isArray(nodes) || nodes.length === 0) throw new Error('not a list of nodes');
  // First every container, then their contents: a node may refer to any other.
  const made: object[] = nodes.map((n: unknown) => {
    if (!Array.isArray(n)) throw new Error('a node that is not a list');
    switch (n[0]) {
      case 'o':
        return {};
      case 'a':
        return [];
      case 'm':
        return new Map();
      case 's':
        return new Set();
      case 'b': {
        const [, offset, length] = n as [string, unknown, unknown];
        if (!isIndex(offset) || !isIndex(length) || offset + length > bytes.byteLength) {
          throw new Error('a byte range outside the component');
        }
        return bytes.subarray(offset, offset + length);
      }
      default:
        throw new Error(`a node of unknown kind ${JSON.stringify(n[0])}`);
    }
  });
  const value = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (!Array.isArray(v)) throw new Error('a value that is not a list');
    const [tag, text] = v as [unknown, unknown];
    if (typeof tag === 'number') {
      const target = made[tag];
      if (!Number.isInteger(tag) || target === undefined)
        throw new Error(`a reference to node ${tag}, which is not there`);
      return target;
    }
    if (tag === 'u') return undefined;
    if (typeof text !== 'string') throw new Error('a tagged value without its text');
    if (tag === 'n') return BigInt(text);
    if (tag === 'd') return Number(text);
    throw new Error(`a value of unknown kind ${JSON.stringify(tag)}`);
  };
  for (let i = 0; i < nodes.length; i++) {
    const [kind, list] = nodes[i] as [string, unknown];
    if (kind === 'b') continue;
    if (!Array.isArray(list)) throw new Error('a node without its contents');
    const target = made[i] as object;
    if (kind === 'a') {
      for (const item of list) (target as unknown[]).push(value(item));
    } else if (kind === 's') {
      for (const item of list) (target as Set<unknown>).add(value(item));
    } else {
      if (list.length % 2 !== 0) throw new Error('a key without its value');
      for (let j = 0; j < list.length; j += 2) {
        const key = value(list[j]);
        if (kind === 'm') (target as Map<unknown, unknown>).set(key, value(list[j + 1]));
        else if (typeof key !== 'string') throw new Error('an object key that is not a string');
        // `__proto__` as an own key, as it was encoded, never the prototype.
        else if (key === '__proto__') Object.defineProperty(target, key, { value: value(list[j + 1]), ...OWN });
        else (target as Record<string, unknown>)[key] = value(list[j + 1]);
      }
    }
  }
  const root = made[0] as Partial<ComponentAst>;
  if (!Array.isArray(root.definitions) || root.byteLength !== bytes.byteLength) {
    throw new Error('not the parse of a component of this size');
  }
  return root as ComponentAst;
}

const OWN = { writable: true, enumerable: true, configurable: true } as const;

class Unencodable extends Error {}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}
