/**
 * `Instance`: an instantiated module whose `exports` cast arguments, turn traps
 * into `Trap`, and hand out `Memory`, `Global` and `Table` wrappers.
 */
import { converterFor, type RefContext, unwrapFunction, wrapFunction } from './convert.js';
import { describe } from './describe.js';
import { ArgumentError, LinkError, OutOfMemoryError, WasmException, WasmerError, withoutV8Prefix } from './errors.js';
import { findFunctionExport } from './find-export.js';
import { Global } from './global.js';
import { formatExternType, quoted } from './kinds.js';
import { Memory } from './memory.js';
import { Module, type WasmSource } from './module.js';
import { PAGE_SIZE } from './parser/limits.js';
import { decodeParamNames } from './parser/names.js';
import type { ExternType, ModuleInfo } from './parser/types.js';
import { isWasmFunction } from './ref.js';
import { Table } from './table.js';
import { Tag } from './tag.js';
import { knownTag } from './tag-registry.js';
import { toTrap } from './trap.js';
import { formatBytes } from './units.js';
import { hasV128, wrapV128Function } from './v128.js';
import { checkBoolean, checkObject, needsNode } from './validate.js';
import { Value } from './value.js';

/**
 * Imports by namespace then name: JS functions (host functions; i64 parameters
 * arrive as bigint, as V8 passes them), `Memory`/`Global`/`Table` objects or raw
 * `WebAssembly.*` ones, plain numbers/bigints/`Value`s for immutable globals,
 * and other instances' exported functions.
 */
export type Imports = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** An exported function as wrapped by us. */
export type ExportedFunction = (...args: unknown[]) => unknown;

/** What an export is: a function, a `Memory`, a `Global`, a `Table` or a `Tag`. */
export type ExportValue = ExportedFunction | Memory | Global | Table | Tag;

/** `instance.exports`: narrow values with `typeof` / `instanceof`, or give `Instance` your own shape. */
export type Exports = Readonly<Record<string, ExportValue>>;

/**
 * An instantiated module. `new Instance(moduleOrBytes, imports?)` links and
 * runs the start function. Throws:
 * - `LinkError` `ERR_MISSING_IMPORT` / `ERR_IMPORT_TYPE` (checked by us against the
 *   module's import types, naming the expected type), `ERR_LINK` (V8's own check);
 * - `Trap` when the start function or a segment initialization traps;
 * - `OutOfMemoryError` `ERR_OUT_OF_MEMORY` when V8 cannot allocate the instance's memory
 *   (every live instance keeps about 10 GiB of address space reserved per memory on 64-bit
 *   hosts, until it is garbage-collected: see the error's message);
 * - whatever a host function called by the start function throws, unchanged;
 * - the `Module` constructor's errors when given bytes.
 *
 * Type `exports` with a type argument: `new Instance<{ sum(a: number, b: number): number }>(bytes)`.
 */
/** Options of `new Instance(module, imports, options)`. */
export interface InstanceOptions {
  /**
   * JSPI (JS Promise Integration, Node 24+): host functions may return Promises, which suspend
   * the Wasm code until they settle, and every exported function returns a Promise. Default false.
   */
  readonly async?: boolean | undefined;
}

interface Jspi {
  readonly Suspending: new (fn: ExportedFunction) => object;
  readonly promising: (fn: ExportedFunction) => (...args: unknown[]) => Promise<unknown>;
}

/** V8's JSPI, or null before Node 24 (V8 13.6 ships it without a flag; Node 22's V8 12.4 has none). */
function jspi(): Jspi | null {
  const w = WebAssembly as unknown as Partial<Jspi>;
  return typeof w.Suspending === 'function' && typeof w.promising === 'function' ? (w as Jspi) : null;
}

export class Instance<E extends object = Exports> {
  readonly module: Module;
  readonly raw: WebAssembly.Instance;
  /** The exports, wrapped: functions cast their arguments (see README), memories are `Memory`s... Frozen. */
  readonly exports: E;
  /** The first exported memory, or null. */
  readonly memory: Memory | null;
  /** The `Tag`s wrapping raw imported tags: held so that exceptions with them stay readable. */
  readonly #importedTags: Tag[] = [];

  constructor(moduleOrBytes: Module | WasmSource, imports: Imports = {}, options: InstanceOptions = {}) {
    checkObject(options, 'new Instance: options', '{ async? }');
    const isAsync = options.async ?? false;
    checkBoolean(isAsync, 'new Instance: options.async');
    const promises = isAsync ? jspi() : null;
    if (isAsync && promises === null) {
      throw needsNode('new Instance: options.async', 'JSPI (WebAssembly.Suspending and WebAssembly.promising)', 24);
    }
    this.module = moduleOrBytes instanceof Module ? moduleOrBytes : new Module(moduleOrBytes);
    const importObject = resolveImports(this.module.info, imports, this.#importedTags, promises);
    const names = lazyFunctionNames(this.module);
    try {
      this.raw = new WebAssembly.Instance(this.module.raw, importObject);
    } catch (e) {
      if (e instanceof WebAssembly.LinkError) {
        throw new LinkError('ERR_LINK', `cannot link the module: ${withoutV8Prefix(e.message)}`, {
          cause: e,
        });
      }
      if (e instanceof RangeError && WASM_MEMORY_OOM.test(e.message)) throw outOfMemory(this.module, e);
      throw toTrap(e, names);
    }
    const { exports, memory } = wrapExports(this.module, this.raw, promises);
    this.exports = exports as E;
    this.memory = memory;
  }

  /**
   * The exported function `name`. Throws ArgumentError `ERR_NO_EXPORT` when there is
   * none of that name, listing the exported functions and, for a likely typo, the
   * nearest one: `export "mian" not found (exports: main, add); did you mean "main"?`.
   */
  getFunction(name: string): ExportedFunction {
    // Own properties only: `toString` and friends come from Object.prototype, not the module.
    const fn = Object.hasOwn(this.exports, name) ? (this.exports as Record<string, unknown>)[name] : undefined;
    if (typeof fn === 'function') return fn as ExportedFunction;
    if (typeof name !== 'string') {
      throw new ArgumentError('ERR_NO_EXPORT', `getFunction: an export name is a string, got ${describe(name)}`);
    }
    findFunctionExport(this.module.info, name);
    // The module's export section and V8's exports always agree; this is a bug if it is ever reached.
    throw new WasmerError('ERR_INTERNAL', `export ${quoted(name)} is a function in the module but not in the instance`);
  }
}

// V8 11-14: "WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance".
const WASM_MEMORY_OOM = /Out of memory: Cannot allocate Wasm memory/;

/** V8's bare RangeError as our typed error, with the module's memory and what to do about it. */
function outOfMemory(module: Module, cause: RangeError): OutOfMemoryError {
  const memory = module.info.memories[0];
  const what =
    memory === undefined
      ? 'its Wasm memory'
      : `its Wasm memory (${memory.minimum}..${memory.maximum ?? '∞'} pages, ${formatBytes(memory.minimum * PAGE_SIZE)} to start)`;
  return new OutOfMemoryError(
    `cannot create the instance: V8 could not allocate ${what}. On 64-bit hosts V8 reserves about 10 GiB ` +
      'of address space for every Wasm memory, whatever its size, and frees it only when the instance is ' +
      'garbage-collected (about 13,000 live instances use up the 128 TiB a process has): drop references to ' +
      'instances you no longer need, create fewer at a time, declare a smaller minimum, or raise the ' +
      'address-space limit (ulimit -v)',
    { cause },
  );
}

/**
 * The name section's function names, decoded on first use: they are read only to name
 * the frames of a trap, and a big program's (pandoc: 620,000 functions) cost more memory
 * and time than the rest of the parse.
 */
function lazyFunctionNames(module: Module): ReadonlyMap<number, string> {
  let map: ReadonlyMap<number, string> | undefined;
  const get = () => {
    map ??= module.info.names.functions;
    return map;
  };
  return {
    get size() {
      return get().size;
    },
    get: (key) => get().get(key),
    has: (key) => get().has(key),
    forEach: (fn, thisArg) => get().forEach(fn, thisArg),
    entries: () => get().entries(),
    keys: () => get().keys(),
    values: () => get().values(),
    [Symbol.iterator]: () => get()[Symbol.iterator](),
  };
}

/** What converters of reference types need of `module`: its concrete types' kinds and names. */
export function refContext(module: Module): RefContext {
  const types = module.info.types;
  return { kind: (i) => types[i]?.kind, typeNames: () => module.info.names.types };
}

function wrapExports(
  module: Module,
  raw: WebAssembly.Instance,
  promises: Jspi | null,
): { exports: Exports; memory: Memory | null } {
  // A plain object, not Object.create(null): V8 keeps null-prototype objects in
  // dictionary mode, which made every `exports.f` load several times slower.
  const out: Record<string, ExportValue> = {};
  const nameSection = module.info.customSections.find((s) => s.name === 'name')?.data;
  const wrappers = new Map<unknown, ExportValue>();
  const names = lazyFunctionNames(module);
  const context = refContext(module);
  let memory: Memory | null = null;
  for (const exp of module.info.exports) {
    const value = raw.exports[exp.name];
    let wrapped = wrappers.get(value);
    if (wrapped === undefined) {
      wrapped = wrapExport(exp.name, exp.index, exp.desc, value, names, nameSection, context, promises);
      wrappers.set(value, wrapped);
    }
    if (memory === null && wrapped instanceof Memory) memory = wrapped;
    // defineProperty, not assignment: an export may be called "__proto__".
    Object.defineProperty(out, exp.name, { value: wrapped, enumerable: true });
  }
  return { exports: Object.freeze(out), memory };
}

function wrapExport(
  name: string,
  index: number,
  desc: ExternType,
  value: unknown,
  names: ReadonlyMap<number, string>,
  nameSection: Uint8Array | undefined,
  context: RefContext,
  promises: Jspi | null,
): ExportValue {
  switch (desc.kind) {
    case 'func': {
      const fn = value as ExportedFunction;
      const paramNames = (): (string | undefined)[] => decodeParamNames(nameSection, index, desc.type.params.length);
      if (promises !== null) {
        if (hasV128(desc.type)) {
          return () =>
            Promise.reject(
              new ArgumentError(
                'ERR_ARG_TYPE',
                `${quoted(name)}: functions with v128 in their signature cannot be called with options.async (call them from Wasm)`,
              ),
            );
        }
        return wrapFunction(fn, name, desc.type, names, paramNames, context, promises.promising(fn));
      }
      return hasV128(desc.type)
        ? wrapV128Function(fn, name, desc.type, names, paramNames)
        : wrapFunction(fn, name, desc.type, names, paramNames, context);
    }
    case 'memory':
      return new Memory(value as WebAssembly.Memory, {
        maximum: desc.type.maximum,
        shared: desc.type.shared,
        addressType: desc.type.index64 ? 'i64' : 'i32',
      });
    case 'global':
      return new Global(value as WebAssembly.Global, desc.type, context);
    case 'table': {
      // A table64 maximum beyond 2^53 is beyond anything V8 lets a table grow to: no maximum, in effect.
      const { maximum } = desc.type;
      return new Table(
        value as WebAssembly.Table,
        {
          elementType: desc.type.elementType,
          maximum: typeof maximum === 'bigint' ? null : maximum,
        },
        context,
      );
    }
    case 'tag': {
      const raw = value as WebAssembly.Tag;
      return knownTag(raw) ?? new Tag(raw, { parameters: desc.type.params }, name);
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Checks every import against its declared type and builds V8's import object. */
function resolveImports(
  info: ModuleInfo,
  imports: Imports,
  importedTags: Tag[],
  promises: Jspi | null,
): WebAssembly.Imports {
  const declared = info.imports;
  if (declared.length === 0) return {};
  const typeNames = () => info.names.types;
  // A module with tags can catch a Wasm exception by its tag, so one a host function lets through
  // (from a nested call of one of our wrapped exports, which made it a WasmException) must reach it
  // as V8's exception again.
  const canCatchByTag = info.tags.length + info.importedTagCount > 0;
  if (typeof imports !== 'object' || imports === null) {
    throw new LinkError('ERR_MISSING_IMPORT', `imports must be an object of namespaces, got ${describe(imports)}`);
  }
  const out: Record<string, Record<string, WebAssembly.ImportValue>> = Object.create(null);
  for (const imp of declared) {
    const label = `${imp.module}.${imp.name}`;
    const expected = formatExternType(imp.desc, typeNames);
    const ns = imports[imp.module];
    const value = typeof ns === 'object' && ns !== null ? ns[imp.name] : undefined;
    if (value === undefined) {
      const provided = typeof ns === 'object' && ns !== null ? Object.keys(ns) : [];
      const hint =
        typeof ns === 'object' && ns !== null
          ? ` ("${imp.module}" provides ${provided.length === 0 ? 'nothing' : provided.join(', ')})`
          : ` (no "${imp.module}" namespace in the imports)`;
      throw new LinkError('ERR_MISSING_IMPORT', `missing import ${label}: ${expected}${hint}`);
    }
    const bad = (why: string): never => {
      throw new LinkError('ERR_IMPORT_TYPE', `import ${label} must be a ${expected}, but ${why}`);
    };
    out[imp.module] ??= Object.create(null) as Record<string, WebAssembly.ImportValue>;
    let resolved = checkImport(imp.desc, value, label, bad);
    // Not WASI's functions: they never call back into Wasm, and they are on every program's hot path.
    if (imp.desc.kind === 'func' && canCatchByTag && !WASI_NAMESPACES.has(imp.module) && !isWasmFunction(resolved)) {
      resolved = rethrowingRawExceptions(resolved as ExportedFunction);
    }
    // With JSPI every host function may return a Promise (one that does not is called as usual).
    if (
      imp.desc.kind === 'func' &&
      promises !== null &&
      !WASI_NAMESPACES.has(imp.module) &&
      !isWasmFunction(resolved)
    ) {
      resolved = new promises.Suspending(resolved as ExportedFunction) as WebAssembly.ImportValue;
    }
    if (imp.desc.kind === 'tag') {
      const raw = resolved as WebAssembly.Tag;
      if (knownTag(raw) === null) importedTags.push(new Tag(raw, { parameters: imp.desc.type.params }, label));
    }
    (out[imp.module] as Record<string, WebAssembly.ImportValue>)[imp.name] = resolved;
  }
  return out;
}

function checkImport(
  desc: ExternType,
  value: unknown,
  label: string,
  bad: (why: string) => never,
): WebAssembly.ImportValue {
  switch (desc.kind) {
    case 'func': {
      if (typeof value !== 'function') return bad(`got ${describe(value)}`);
      const fn = unwrapFunction(value as ExportedFunction);
      if (hasV128(desc.type) && !isWasmFunction(fn)) {
        return bad('V8 cannot pass v128 values to or from a JS function: give an exported Wasm function');
      }
      return fn;
    }
    case 'memory': {
      const raw = value instanceof Memory ? value.raw : value instanceof WebAssembly.Memory ? value : null;
      if (raw === null) return bad(`got ${describe(value)} (use new Memory({ minimum, maximum }))`);
      const pages = raw.buffer.byteLength / PAGE_SIZE;
      if (pages < desc.type.minimum) return bad(`the memory given has only ${plural(pages, 'page')}`);
      const isShared = typeof SharedArrayBuffer !== 'undefined' && raw.buffer instanceof SharedArrayBuffer;
      if (isShared !== desc.type.shared) return bad(`the memory given is ${isShared ? '' : 'not '}shared`);
      const addressType = desc.type.index64 ? 'i64' : 'i32';
      if (value instanceof Memory && value.addressType !== addressType) {
        return bad(`the memory given has ${value.addressType} addresses (create it with address: '${addressType}')`);
      }
      if (value instanceof Memory && desc.type.maximum !== null) {
        if (value.maximum === null) return bad('the memory given has no maximum');
        if (value.maximum > desc.type.maximum)
          return bad(`the memory given has a maximum of ${plural(value.maximum, 'page')}`);
      }
      return raw;
    }
    case 'table': {
      const raw = value instanceof Table ? value.raw : value instanceof WebAssembly.Table ? value : null;
      if (raw === null) return bad(`got ${describe(value)} (use new Table({ elementType, minimum, maximum }))`);
      if (value instanceof Table && value.elementType !== desc.type.elementType) {
        return bad(`the table given holds ${value.elementType}`);
      }
      if (raw.length < desc.type.minimum) return bad(`the table given has only ${plural(raw.length, 'element')}`);
      if (value instanceof Table && desc.type.maximum !== null) {
        if (value.maximum === null) return bad('the table given has no maximum');
        if (value.maximum > desc.type.maximum) return bad(`the table given has a maximum of ${value.maximum}`);
      }
      return raw;
    }
    case 'global': {
      if (value instanceof Global) {
        if (value.type !== desc.type.type || value.mutable !== desc.type.mutable) {
          return bad(`the global given is ${value.mutable ? 'mut ' : ''}${value.type}`);
        }
        return value.raw;
      }
      if (value instanceof WebAssembly.Global) return value;
      if (desc.type.mutable) return bad(`got ${describe(value)}; a mutable global is imported as a Global object`);
      if (value instanceof Value && value.type !== desc.type.type) return bad(`got ${describe(value)}`);
      try {
        return converterFor(desc.type.type)(value, 0, `import ${label}`) as WebAssembly.ImportValue;
      } catch (e) {
        return bad(
          `got ${describe(value)}${e instanceof Error ? ` (${e.message.replace(/^.*expected /, 'expected ')})` : ''}`,
        );
      }
    }
    case 'tag': {
      if (value instanceof Tag) {
        const expected = desc.type.params;
        const same = value.parameters.length === expected.length && value.parameters.every((p, i) => p === expected[i]);
        if (!same) return bad(`the tag given is tag (${value.parameters.join(', ')})`);
        return value.raw;
      }
      if (value instanceof WebAssembly.Tag) return value;
      return bad(`got ${describe(value)} (use new Tag({ parameters }))`);
    }
  }
}

/** The import namespaces of WASI preview1 (wasi/host.ts serves both). */
const WASI_NAMESPACES: ReadonlySet<string> = new Set(['wasi_snapshot_preview1', 'wasi_unstable']);

/** `fn` for Wasm to call, giving a `WasmException` it throws back as V8's exception (its `exception`). */
function rethrowingRawExceptions(fn: ExportedFunction): ExportedFunction {
  return function (this: unknown, ...args: unknown[]) {
    try {
      return fn.apply(this, args);
    } catch (error) {
      throw error instanceof WasmException && error.exception !== null ? error.exception : error;
    }
  };
}
