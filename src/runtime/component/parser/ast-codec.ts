/**
 * A parsed component (`ComponentAst`) as text and back, for the CLI's parse cache
 * (engine/cache/parse-cache.ts): a command component's parse and validation took
 * 8-9 ms of a 99 ms `run` on Node 26 (each parser function runs once, interpreted),
 * and reading it back takes 1-2.
 *
 * The AST is a graph, not a tree: a type is shared by every place that uses it, and a
 * resource type is compared by identity (../types.ts), so the text keeps identity. It is
 * JSON of `[shapes, node, node...]`, the root the first node, each node written once:
 * `[shape, value...]` a plain object with the keys of `shapes[shape]`, in order;
 * `["a", value...]` an array; `["m", key, value, ...]` a Map; `["s", value...]` a Set;
 * `["b", offset, length]` a view of the component's own bytes (a core module, a custom
 * section's contents). A value is a string, a boolean or null as itself; a number is
 * the node of that index (references outnumber numbers three to one in a WASI
 * command's AST); `[n]` is the number n, `["u"]` undefined, `["n", "123"]` a bigint
 * and `["d", "NaN"]` NaN, an infinity or -0. Shapes and bare references keep what
 * JSON.parse allocates small: the decode runs once per process, interpreted, and
 * the fewer arrays and key strings it makes, the sooner it is done.
 *
 * Encoding refuses (returns null) anything else: a function, a symbol, an object of a
 * class, bytes that are not a view of the component's. Decoding checks every index,
 * tag and range and throws `Error` on any mismatch; the cache also checks a hash of
 * the whole text before it decodes, so this guards against a bug, not a bit flip.
 */
import type { ComponentAst } from './ast.js';

type Encoded = string | number | boolean | null | readonly [number] | readonly [string, string?];

/** `ast` as text, or null when it holds something the text cannot express. */
export function encodeAst(ast: ComponentAst, bytes: Uint8Array): string | null {
  const ids = new Map<object, number>();
  const shapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  const nodes: unknown[][] = [];
  const value = (v: unknown): Encoded => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? [v] : ['d', Object.is(v, -0) ? '-0' : String(v)];
      case 'undefined':
        return ['u'];
      case 'bigint':
        return ['n', v.toString()];
      case 'object':
        return v === null ? null : node(v);
      default:
        throw new Unencodable();
    }
  };
  const node = (o: object): number => {
    const known = ids.get(o);
    if (known !== undefined) return known;
    const id = nodes.length;
    ids.set(o, id);
    nodes.push([]);
    nodes[id] = describe(o);
    return id;
  };
  const describe = (o: object): unknown[] => {
    if (Array.isArray(o)) return ['a', ...o.map(value)];
    if (o instanceof Map) {
      const list: unknown[] = ['m'];
      for (const [k, v] of o) list.push(value(k), value(v));
      return list;
    }
    if (o instanceof Set) return ['s', ...[...o].map(value)];
    if (o instanceof Uint8Array) {
      if (o.buffer !== bytes.buffer) throw new Unencodable();
      return ['b', o.byteOffset - bytes.byteOffset, o.byteLength];
    }
    if (Object.getPrototypeOf(o) !== Object.prototype || Object.getOwnPropertySymbols(o).length > 0) {
      throw new Unencodable();
    }
    // Own enumerable keys, getters read (the AST's `names` is one, decoded on first use).
    const keys = Object.keys(o);
    const shapeKey = keys.join('\0');
    let shape = shapeIds.get(shapeKey);
    if (shape === undefined) {
      shape = shapes.length;
      shapes.push(keys);
      shapeIds.set(shapeKey, shape);
    }
    const list: unknown[] = [shape];
    for (const key of keys) list.push(value((o as Record<string, unknown>)[key]));
    return list;
  };
  try {
    node(ast);
  } catch (error) {
    if (error instanceof Unencodable) return null;
    throw error;
  }
  return JSON.stringify([shapes, ...nodes]);
}

/**
 * The AST `encodeAst` wrote for `bytes`. Throws `Error` when `text` is not such a text.
 * Written for the interpreter (it runs once per process): index loops, no destructuring
 * or iterators, and the common value, a string or a reference, stays in the loop.
 */
export function decodeAst(text: string, bytes: Uint8Array): ComponentAst {
  const all: unknown = JSON.parse(text);
  if (!Array.isArray(all) || all.length < 2 || !Array.isArray(all[0]))
    throw new Error('not a list of shapes and nodes');
  const shapes = all[0] as unknown[];
  for (let i = 0; i < shapes.length; i++) {
    const keys: unknown = shapes[i];
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error('a shape that is not keys');
  }
  const count = all.length - 1;
  // First every container, then their contents: a node may refer to any other.
  const made: object[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n: unknown = all[i + 1];
    if (!Array.isArray(n) || n.length === 0) throw new Error('a node that is not a list');
    const kind: unknown = n[0];
    if (typeof kind === 'number') {
      const keys = shapes[kind] as string[] | undefined;
      if (keys === undefined || n.length !== keys.length + 1) throw new Error('an object of no shape');
      made[i] = {};
    } else if (kind === 'a') made[i] = [];
    else if (kind === 'm') made[i] = new Map();
    else if (kind === 's') made[i] = new Set();
    else if (kind === 'b') {
      const offset: unknown = n[1];
      const length: unknown = n[2];
      if (!isIndex(offset) || !isIndex(length) || offset + length > bytes.byteLength) {
        throw new Error('a byte range outside the component');
      }
      made[i] = bytes.subarray(offset, offset + length);
    } else throw new Error(`a node of unknown kind ${JSON.stringify(kind)}`);
  }
  for (let i = 0; i < count; i++) {
    const n = all[i + 1] as unknown[];
    const kind = n[0];
    const length = n.length;
    const target = made[i] as object;
    if (typeof kind === 'number') {
      const keys = shapes[kind] as string[];
      const object = target as Record<string, unknown>;
      for (let j = 1; j < length; j++) {
        const key = keys[j - 1] as string;
        const v: unknown = n[j];
        const item = typeof v === 'number' ? nodeAt(made, v) : typeof v === 'object' && v !== null ? tagged(v) : v;
        // `__proto__` as an own key, as it was encoded, never the prototype.
        if (key === '__proto__') Object.defineProperty(object, key, { value: item, ...OWN });
        else object[key] = item;
      }
    } else if (kind === 'a') {
      const array = target as unknown[];
      for (let j = 1; j < length; j++) {
        const v: unknown = n[j];
        array.push(typeof v === 'number' ? nodeAt(made, v) : typeof v === 'object' && v !== null ? tagged(v) : v);
      }
    } else if (kind === 'm') {
      if (length % 2 !== 1) throw new Error('a key without its value');
      const map = target as Map<unknown, unknown>;
      for (let j = 1; j < length; j += 2) {
        const k: unknown = n[j];
        const v: unknown = n[j + 1];
        map.set(
          typeof k === 'number' ? nodeAt(made, k) : typeof k === 'object' && k !== null ? tagged(k) : k,
          typeof v === 'number' ? nodeAt(made, v) : typeof v === 'object' && v !== null ? tagged(v) : v,
        );
      }
    } else if (kind === 's') {
      const set = target as Set<unknown>;
      for (let j = 1; j < length; j++) {
        const v: unknown = n[j];
        set.add(typeof v === 'number' ? nodeAt(made, v) : typeof v === 'object' && v !== null ? tagged(v) : v);
      }
    }
  }
  const root = made[0] as Partial<ComponentAst>;
  if (!Array.isArray(root.definitions) || root.byteLength !== bytes.byteLength) {
    throw new Error('not the parse of a component of this size');
  }
  return root as ComponentAst;
}

/** The node a reference names. */
function nodeAt(made: readonly object[], index: number): object {
  const target = made[index];
  if (target === undefined) throw new Error(`a reference to node ${index}, which is not there`);
  return target;
}

/** A value JSON has no form for: `[n]`, `["u"]`, `["n", digits]`, `["d", text]`. */
function tagged(v: object): unknown {
  if (!Array.isArray(v)) throw new Error('a value that is not a list');
  const tag: unknown = v[0];
  if (typeof tag === 'number' && v.length === 1) return tag;
  if (tag === 'u') return undefined;
  const text: unknown = v[1];
  if (typeof text !== 'string') throw new Error('a tagged value without its text');
  if (tag === 'n') return BigInt(text);
  if (tag === 'd') return Number(text);
  throw new Error(`a value of unknown kind ${JSON.stringify(tag)}`);
}

const OWN = { writable: true, enumerable: true, configurable: true } as const;

class Unencodable extends Error {}

function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}
