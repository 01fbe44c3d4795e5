/**
 * What validation needs to know about a value type as a whole: how deeply it nests,
 * whether it holds a `borrow`, whether lifting or lowering it touches memory, and its
 * flat core types (design/mvp/CanonicalABI.md "Flattening"). Types are DAGs that may
 * share members (a tuple of two of the same deep type, a hundred levels deep), so a walk
 * that visits members afresh can take exponential time; each fact is computed once per
 * type object from its members' facts instead.
 */
import type { ValType } from '../types.js';

export type Flat = 'i32' | 'i64' | 'f32' | 'f64';

/** CanonicalABI.md: more flat parameters than this go through memory. */
export const MAX_FLAT_PARAMS = 16;
/** CanonicalABI.md: more flat results than this go through memory. */
export const MAX_FLAT_RESULTS = 1;
/**
 * Flat types are kept up to this many: validation only needs to know that a signature spills
 * past 16, and a `list<T, 4294967295>` must not make four billion of them.
 */
export const FLAT_LIMIT = MAX_FLAT_PARAMS + 1;

export interface TypeFacts {
  /** 0 for a primitive or a handle, else 1 + its deepest member's. */
  readonly depth: number;
  /** Holds a `borrow` somewhere (refused in results, streams and futures). */
  readonly hasBorrow: boolean;
  /** Holds a string or a variable-length list (or map) somewhere: lifting or lowering it needs memory. */
  readonly needsMemory: boolean;
  /** Its flat core types, cut after `FLAT_LIMIT`. */
  readonly flat: readonly Flat[];
}

const I32: readonly Flat[] = ['i32'];
const I64: readonly Flat[] = ['i64'];
const PAIR: readonly Flat[] = ['i32', 'i32'];

/**
 * The facts of each type object met in one parse, computed once. One per parse (the scopes of a
 * component share it), a plain Map that dies with the parse: cheaper than a WeakMap, whose
 * entries the garbage collector must trace specially, and no state outlives `parseComponent`.
 */
export class TypeFactsCache {
  private readonly known = new Map<ValType, TypeFacts>();

  /** The facts of `t`. */
  of(t: ValType): TypeFacts {
    const known = this.known.get(t);
    if (known !== undefined) return known;
    const facts = this.compute(t);
    this.known.set(t, facts);
    return facts;
  }

  private leaf(flat: readonly Flat[], needsMemory = false, hasBorrow = false): TypeFacts {
    return { depth: 0, hasBorrow, needsMemory, flat };
  }

  private compute(t: ValType): TypeFacts {
    switch (t.kind) {
      case 'bool':
      case 's8':
      case 'u8':
      case 's16':
      case 'u16':
      case 's32':
      case 'u32':
      case 'char':
      case 'error-context':
      case 'flags':
      case 'enum':
      case 'own':
        return this.leaf(I32);
      case 'borrow':
        return this.leaf(I32, false, true);
      case 's64':
      case 'u64':
        return this.leaf(I64);
      case 'f32':
      case 'f64':
        return this.leaf([t.kind]);
      case 'string':
        return this.leaf(PAIR, true);
      case 'stream':
      case 'future':
        // A handle: its element is not flattened or stored here.
        return { ...this.combine([t.element]), flat: I32, needsMemory: false };
      case 'map':
        return { ...this.combine([t.key, t.value]), flat: PAIR, needsMemory: true };
      case 'list': {
        const inner = this.combine([t.element]);
        if (t.length === undefined) return { ...inner, flat: PAIR, needsMemory: true };
        const one = this.of(t.element).flat;
        const flat: Flat[] = [];
        for (let i = 0; i < t.length && flat.length < FLAT_LIMIT; i++) flat.push(...one);
        return { ...inner, flat: flat.slice(0, FLAT_LIMIT) };
      }
      case 'record':
        return this.concat(t.fields.map((f) => f.type));
      case 'tuple':
        return this.concat(t.types);
      case 'variant':
        return this.variant(t.cases.map((c) => c.type));
      case 'option':
        return this.variant([undefined, t.type]);
      case 'result':
        return this.variant([t.ok, t.err]);
    }
  }

  /** Depth, borrow and memory of a type made of `members`. */
  private combine(members: readonly (ValType | undefined)[]): TypeFacts {
    let depth = 0;
    let hasBorrow = false;
    let needsMemory = false;
    for (const m of members) {
      if (m === undefined) continue;
      const f = this.of(m);
      if (f.depth > depth) depth = f.depth;
      hasBorrow ||= f.hasBorrow;
      needsMemory ||= f.needsMemory;
    }
    return { depth: depth + 1, hasBorrow, needsMemory, flat: [] };
  }

  private concat(members: readonly ValType[]): TypeFacts {
    const flat: Flat[] = [];
    for (const m of members) {
      if (flat.length >= FLAT_LIMIT) break;
      flat.push(...this.of(m).flat);
    }
    return { ...this.combine(members), flat: flat.slice(0, FLAT_LIMIT) };
  }

  /** A discriminant, then each position joined across the cases' payloads. */
  private variant(cases: readonly (ValType | undefined)[]): TypeFacts {
    const joined: Flat[] = [];
    for (const c of cases) {
      if (c === undefined) continue;
      const flat = this.of(c).flat;
      for (let i = 0; i < flat.length && i < FLAT_LIMIT; i++) {
        const a = joined[i];
        const b = flat[i]!;
        joined[i] = a === undefined ? b : join(a, b);
      }
    }
    return { ...this.combine(cases), flat: ['i32' as Flat, ...joined].slice(0, FLAT_LIMIT) };
  }
}

function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}
