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
  /** Holds a handle (`own` or `borrow`) somewhere: refers to a resource type. */
  readonly hasHandle: boolean;
  /** Holds a string or a variable-length list (or map) somewhere: lifting or lowering it needs memory. */
  readonly needsMemory: boolean;
  /** Its flat core types, cut after `FLAT_LIMIT`. */
  readonly flat: readonly Flat[];
  /**
   * Its size and alignment in memory (CanonicalABI.md `elem_size`, `alignment`) with 64-bit
   * pointers, the larger of the two layouts, which Binary.md bounds by `MAX_TYPE_SIZE`.
   */
  readonly size: number;
  readonly align: number;
}

/** Binary.md: every `defvaltype` must have `elem_size(t, 'i64')` below 2^28. */
export const MAX_TYPE_SIZE = 2 ** 28;
/** A 64-bit pointer (or length): the `i64` layout. */
const PTR = 8;

function alignTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** The discriminant of a variant of `n` cases (CanonicalABI.md `discriminant_type`): its size in bytes. */
function discriminantSize(n: number): number {
  return n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
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

  private leaf(flat: readonly Flat[], size: number, needsMemory = false, handle?: 'own' | 'borrow'): TypeFacts {
    return {
      depth: 0,
      hasBorrow: handle === 'borrow',
      hasHandle: handle !== undefined,
      needsMemory,
      flat,
      size,
      align: size,
    };
  }

  private compute(t: ValType): TypeFacts {
    switch (t.kind) {
      case 'bool':
      case 's8':
      case 'u8':
        return this.leaf(I32, 1);
      case 's16':
      case 'u16':
        return this.leaf(I32, 2);
      case 's32':
      case 'u32':
      case 'char':
      case 'error-context':
        return this.leaf(I32, 4);
      case 'own':
      case 'borrow':
        return this.leaf(I32, 4, false, t.kind);
      case 'flags':
        return this.leaf(I32, t.names.length <= 8 ? 1 : t.names.length <= 16 ? 2 : 4);
      case 'enum':
        return this.leaf(I32, discriminantSize(t.names.length));
      case 's64':
      case 'u64':
        return this.leaf(I64, 8);
      case 'f32':
        return this.leaf(['f32'], 4);
      case 'f64':
        return this.leaf(['f64'], 8);
      case 'string':
        return { ...this.leaf(PAIR, PTR, true), size: 2 * PTR };
      case 'stream':
      case 'future':
        // A handle: its element is not flattened or stored here.
        return { ...this.combine([t.element]), flat: I32, needsMemory: false, size: 4, align: 4 };
      case 'map':
        return { ...this.combine([t.key, t.value]), flat: PAIR, needsMemory: true, size: 2 * PTR, align: PTR };
      case 'list': {
        const inner = this.combine([t.element]);
        if (t.length === undefined) return { ...inner, flat: PAIR, needsMemory: true, size: 2 * PTR, align: PTR };
        const element = this.of(t.element);
        const flat: Flat[] = [];
        for (let i = 0; i < t.length && flat.length < FLAT_LIMIT; i++) flat.push(...element.flat);
        return { ...inner, flat: flat.slice(0, FLAT_LIMIT), size: element.size * t.length, align: element.align };
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
    let hasHandle = false;
    let needsMemory = false;
    for (const m of members) {
      if (m === undefined) continue;
      const f = this.of(m);
      if (f.depth > depth) depth = f.depth;
      hasBorrow ||= f.hasBorrow;
      hasHandle ||= f.hasHandle;
      needsMemory ||= f.needsMemory;
    }
    return { depth: depth + 1, hasBorrow, hasHandle, needsMemory, flat: [], size: 0, align: 1 };
  }

  /** A record or tuple: members in order, each at its alignment. */
  private concat(members: readonly ValType[]): TypeFacts {
    const flat: Flat[] = [];
    let size = 0;
    let align = 1;
    for (const m of members) {
      const f = this.of(m);
      if (flat.length < FLAT_LIMIT) flat.push(...f.flat);
      size = alignTo(size, f.align) + f.size;
      if (f.align > align) align = f.align;
    }
    return { ...this.combine(members), flat: flat.slice(0, FLAT_LIMIT), size: alignTo(size, align), align };
  }

  /** A discriminant, then each position joined across the cases' payloads; in memory, the largest payload. */
  private variant(cases: readonly (ValType | undefined)[]): TypeFacts {
    const joined: Flat[] = [];
    const discriminant = discriminantSize(cases.length);
    let payload = 0;
    let align = discriminant;
    for (const c of cases) {
      if (c === undefined) continue;
      const f = this.of(c);
      for (let i = 0; i < f.flat.length && i < FLAT_LIMIT; i++) {
        const a = joined[i];
        const b = f.flat[i]!;
        joined[i] = a === undefined ? b : join(a, b);
      }
      if (f.size > payload) payload = f.size;
      if (f.align > align) align = f.align;
    }
    const size = alignTo(alignTo(discriminant, align) + payload, align);
    return { ...this.combine(cases), flat: ['i32' as Flat, ...joined].slice(0, FLAT_LIMIT), size, align };
  }
}

function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}
