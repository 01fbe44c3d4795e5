/**
 * `Table` wraps a `WebAssembly.Table` of references (funcref, externref, anyref...).
 */
import { converterFor, type RefContext } from './convert.js';
import { describe } from './describe.js';
import { ArgumentError } from './errors.js';
import { nameType } from './kinds.js';
import { MAX_TABLE_ELEMENTS } from './parser/limits.js';
import type { RefType } from './parser/types.js';
import { checkIntegerInRange, checkObject, checkOneOf, invalidOption, needsNode } from './validate.js';

/** The element types `new Table` takes; those after externref need a V8 with GC (Node 22+). */
const ELEMENT_TYPES = ['funcref', 'externref', 'anyref', 'eqref', 'i31ref', 'structref', 'arrayref'] as const;

let gcTables: boolean | undefined;

/** Whether this V8 creates tables of GC types (probed once: Node 20's V8 11.3 refuses 'anyref'). */
function hasGcTables(): boolean {
  if (gcTables === undefined) {
    try {
      new WebAssembly.Table({ element: 'anyref' as WebAssembly.TableKind, initial: 0 });
      gcTables = true;
    } catch {
      gcTables = false;
    }
  }
  return gcTables;
}

/**
 * Options of `new Table(...)`: `elementType` is the spec's 'funcref' (the old JS API's 'anyfunc'),
 * 'externref', or (Node 22+) 'anyref', 'eqref', 'i31ref', 'structref', 'arrayref'.
 */
export interface TableDescriptor {
  readonly elementType: (typeof ELEMENT_TYPES)[number];
  readonly minimum: number;
  readonly maximum?: number | null | undefined;
}

/**
 * A table of references: `length`, `get(i)`, `set(i, ref)`, `grow(n)`. Functions
 * read from a funcref table are V8's raw exported functions (their arguments are
 * cast by V8, not by us); `set` accepts our export wrappers too.
 */
export class Table {
  readonly raw: WebAssembly.Table;
  readonly elementType: RefType;
  /** Maximum number of elements, or `null` when none was declared (or it is unknown for a wrapped raw table). */
  readonly maximum: number | null;
  readonly #context: RefContext;

  /**
   * `new Table({ elementType: 'funcref', minimum: 1, maximum: 2 })` creates a table;
   * `new Table(rawTable, { elementType, maximum })` wraps one. Throws ArgumentError `ERR_INVALID_OPTION`.
   */
  constructor(
    descriptor: TableDescriptor | WebAssembly.Table,
    type?: { elementType: RefType; maximum: number | null },
    context: RefContext = {},
  ) {
    this.#context = context;
    if (descriptor instanceof WebAssembly.Table) {
      this.raw = descriptor;
      this.elementType = type?.elementType ?? 'funcref';
      this.maximum = type?.maximum ?? null;
      return;
    }
    checkObject(descriptor, 'new Table: descriptor', '{ elementType, minimum, maximum? }');
    const { elementType, minimum, maximum = null } = descriptor as TableDescriptor;
    checkOneOf(elementType, 'new Table: elementType', ELEMENT_TYPES);
    if (elementType !== 'funcref' && elementType !== 'externref' && !hasGcTables()) {
      throw needsNode('new Table: elementType', `'${elementType}' (WebAssembly GC)`, 22);
    }
    checkIntegerInRange(minimum, 'new Table: minimum', 0, MAX_TABLE_ELEMENTS);
    if (maximum !== null) {
      checkIntegerInRange(maximum, 'new Table: maximum', 0, MAX_TABLE_ELEMENTS);
      if (maximum < minimum) throw invalidOption('new Table: maximum', `at least minimum (${minimum})`, maximum);
    }
    const raw: WebAssembly.TableDescriptor = {
      element: (elementType === 'funcref' ? 'anyfunc' : elementType) as WebAssembly.TableKind,
      initial: minimum,
    };
    if (maximum !== null) raw.maximum = maximum;
    this.raw = new WebAssembly.Table(raw);
    this.elementType = elementType;
    this.maximum = maximum;
  }

  get length(): number {
    return this.raw.length;
  }

  private checkIndex(what: string, index: unknown): asserts index is number {
    const length = this.raw.length;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= length) {
      throw new ArgumentError(
        typeof index === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `table.${what}: index ${describe(index)} is outside [0, ${length})`,
      );
    }
  }

  /** `value` checked against the element type as a call argument is (see convert.ts), or ArgumentError. */
  private ref(what: string, value: unknown): unknown {
    const label = `table.${what}`;
    try {
      return converterFor(this.elementType, this.#context)(value, 0, label);
    } catch (e) {
      if (e instanceof ArgumentError) {
        const type = nameType(this.elementType, this.#context.typeNames);
        throw new ArgumentError(
          e.code,
          e.message.replace(`${label}: argument 1 is`, `${label}: ${type} table: value is`),
        );
      }
      throw e;
    }
  }

  /** The reference at `index`: a function or null for funcref tables, as V8 gives it for other references. */
  get(index: number): unknown {
    this.checkIndex('get', index);
    return this.raw.get(index);
  }

  /**
   * Stores a reference at `index` (an exported Wasm function or null for funcref tables; what a call
   * argument of the element type takes for others). Throws ArgumentError `ERR_ARG_TYPE` for one that does not fit.
   */
  set(index: number, value: unknown): void {
    this.checkIndex('set', index);
    const ref = this.ref('set', value);
    try {
      this.raw.set(index, ref);
    } catch (e) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `table.set: ${describe(value)} cannot be stored: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  /** Adds `delta` elements (set to `init`, default null) and returns the previous length. */
  grow(delta: number, init: unknown = null): number {
    const length = this.raw.length;
    if (typeof delta !== 'number' || !Number.isInteger(delta) || delta < 0) {
      throw new ArgumentError(
        typeof delta === 'number' ? 'ERR_ARG_RANGE' : 'ERR_ARG_TYPE',
        `table.grow: delta must be a non-negative integer, got ${describe(delta)}`,
      );
    }
    const max = this.maximum ?? MAX_TABLE_ELEMENTS;
    if (length + delta > max) {
      throw new ArgumentError(
        'ERR_ARG_RANGE',
        `table.grow: cannot grow from ${length} to ${length + delta} elements, the maximum is ${max}`,
      );
    }
    const ref = this.ref('grow', init);
    try {
      return this.raw.grow(delta, ref);
    } catch (e) {
      throw new ArgumentError('ERR_ARG_RANGE', `table.grow: cannot grow by ${delta}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}
