/**
 * `Component`: a parsed, validated and compiled WebAssembly component
 * (design/mvp/Explainer.md), ready to instantiate as often as wanted. The component
 * parser validates the whole binary; V8 compiles (and validates) each nested core module.
 */
import { describe } from '../describe.js';
import { capMemoryMaximum } from '../encoder/cap-memory.js';
import { ArgumentError, CompileError, WasmParseError, withoutV8Prefix } from '../errors.js';
import { parseModule } from '../parser/index.js';
import { hex } from '../units.js';
import { exportsObject } from './exports.js';
import type { ComponentImports } from './imports.js';
import { hostImport } from './imports.js';
import { ComponentInstance } from './instance.js';
import { instantiateAst } from './instantiate.js';
import type { ComponentAst, CoreModuleDefinition } from './parser/ast.js';
import { isComponentBinary, parseComponent } from './parser/index.js';
import { decodeProducers, type Producers } from './producers.js';
import type { ExternDescriptor } from './types.js';
import { printWit } from './wit.js';

/** Bytes a component can be built from. */
export type ComponentSource = Uint8Array | ArrayBuffer | ArrayBufferView;

/** One nested core module, as `component.coreModules` describes it. */
export interface CoreModuleSummary {
  /** Its index in the core module space of the component that defines it. */
  readonly index: number;
  /** The nested components it is in, outermost first (`[0]`: in the component's component 0); empty at the top. */
  readonly path: readonly number[];
  /** Absolute byte offset of the module's preamble in the component binary, and its size. */
  readonly offset: number;
  readonly byteLength: number;
  /** V8's view of its imports and exports (`WebAssembly.Module.imports`/`exports`). */
  readonly imports: readonly { readonly module: string; readonly name: string; readonly kind: string }[];
  readonly exports: readonly { readonly name: string; readonly kind: string }[];
}

/** One custom section of the component itself (not of its core modules). */
export interface ComponentCustomSection {
  readonly name: string;
  /** Absolute byte offset of the section's contents. */
  readonly offset: number;
  /** A copy of the contents. */
  readonly data: Uint8Array;
  /** The decoded `producers` section, for a well-formed one; else undefined. */
  readonly producers?: Producers;
}

interface ModuleEntry {
  readonly definition: CoreModuleDefinition;
  readonly index: number;
  readonly path: readonly number[];
}

const PRECOMPILED = Symbol('precompiled');
interface Precompiled {
  readonly [PRECOMPILED]: true;
  readonly ast: ComponentAst;
  readonly compiled: ReadonlyMap<CoreModuleDefinition, WebAssembly.Module>;
}

/**
 * A compiled component. `new Component(bytes)` parses, validates and compiles on this
 * thread; `await Component.compile(bytes)` compiles the core modules in parallel off it.
 */
export class Component {
  /** The component binary (our own copy). */
  readonly bytes: Uint8Array;
  /** The parsed component: its definitions in order, resolved types, names. */
  readonly ast: ComponentAst;
  private readonly compiled: ReadonlyMap<CoreModuleDefinition, WebAssembly.Module>;
  private moduleList: readonly CoreModuleSummary[] | undefined;
  private sectionList: readonly ComponentCustomSection[] | undefined;

  /**
   * Parses, validates and compiles `bytes`. Throws:
   * - `WasmParseError` (a `ParseErrorCode`) when the bytes are not a valid component (a
   *   core module is `ERR_BAD_VERSION`, with a hint to use `Module`);
   * - `CompileError` (`ERR_COMPILE`) when V8 rejects a nested core module, with the
   *   module's index and the absolute byte offset;
   * - `ArgumentError` `ERR_ARG_TYPE` for something that is not bytes.
   */
  constructor(bytes: ComponentSource);
  /** @internal */
  constructor(bytes: ComponentSource, precompiled: Precompiled);
  constructor(bytes: ComponentSource, precompiled?: Precompiled) {
    this.bytes = copyBytes(bytes, 'new Component');
    if (precompiled?.[PRECOMPILED] === true) {
      this.ast = precompiled.ast;
      this.compiled = precompiled.compiled;
      return;
    }
    this.ast = parse(this.bytes);
    const compiled = new Map<CoreModuleDefinition, WebAssembly.Module>();
    for (const entry of moduleEntries(this.ast)) {
      try {
        compiled.set(entry.definition, new WebAssembly.Module(entry.definition.bytes));
      } catch (error) {
        throw coreCompileError(entry, error);
      }
    }
    this.compiled = compiled;
  }

  /**
   * Compiles asynchronously: the component is parsed and validated here, its core
   * modules compiled by V8 on background threads, all at once. Throws as the constructor.
   */
  static compile(bytes: ComponentSource): Promise<Component> {
    return compileComponent(bytes, (wasm) => WebAssembly.compile(wasm));
  }

  /**
   * @internal This component with every memory its core modules define capped at
   * `maxPages` (`runProgram`'s `maxMemoryBytes`): each core module is rewritten and
   * compiled again; memories a module imports come from another, capped, module.
   * @throws ArgumentError ERR_INVALID_OPTION when a memory's minimum is above the cap.
   */
  withMemoryCap(maxPages: number): Component {
    const compiled = new Map<CoreModuleDefinition, WebAssembly.Module>();
    for (const entry of moduleEntries(this.ast)) {
      const original = this.compiled.get(entry.definition) as WebAssembly.Module;
      compiled.set(
        entry.definition,
        definesMemory(entry.definition.bytes)
          ? new WebAssembly.Module(capMemoryMaximum(entry.definition.bytes, maxPages))
          : original,
      );
    }
    return new Component(this.bytes, { [PRECOMPILED]: true, ast: this.ast, compiled });
  }

  /** Whether `bytes` is a valid component, core modules included. Never throws, whatever it is given. */
  static validate(bytes: unknown): boolean {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return false;
    try {
      const ast = parse(copyBytes(bytes, 'Component.validate'));
      return moduleEntries(ast).every((entry) => WebAssembly.validate(entry.definition.bytes));
    } catch {
      return false;
    }
  }

  /** Whether `bytes` starts with a component's preamble (`\0asm` and version `0d 00 01 00`). */
  static isComponent(bytes: Uint8Array): boolean {
    return isComponentBinary(bytes);
  }

  /** What the component imports: `[{ name: 'wasi:cli/stdout@0.2.3', type: { kind: 'instance', exports: [...] } }]`. */
  get imports(): readonly ExternDescriptor[] {
    return this.ast.type.imports;
  }

  /** What the component exports: `[{ name: 'greet', type: { kind: 'func', params: [...], result: ... } }]`. */
  get exports(): readonly ExternDescriptor[] {
    return this.ast.type.exports;
  }

  /** The component's world as WIT text: its imports and exports, with the types they use. */
  wit(): string {
    return printWit(this.ast.type);
  }

  /** The name the `component-name` section gives the component, or null. */
  get name(): string | null {
    return this.ast.names.component ?? null;
  }

  /** Every core module, nested components' included, in binary order, with V8's summary of its imports and exports. */
  get coreModules(): readonly CoreModuleSummary[] {
    this.moduleList ??= Object.freeze(
      moduleEntries(this.ast).map((entry) => {
        const module = this.compiled.get(entry.definition) as WebAssembly.Module;
        return Object.freeze({
          index: entry.index,
          path: entry.path,
          offset: entry.definition.offset,
          byteLength: entry.definition.bytes.byteLength,
          imports: WebAssembly.Module.imports(module).map(({ module, name, kind }) => ({ module, name, kind })),
          exports: WebAssembly.Module.exports(module).map(({ name, kind }) => ({ name, kind })),
        });
      }),
    );
    return this.moduleList;
  }

  /** The component's own custom sections in file order; a `producers` section decoded too. */
  get customSections(): readonly ComponentCustomSection[] {
    this.sectionList ??= Object.freeze(
      this.ast.customSections.map((s) => {
        const producers = s.name === 'producers' ? decodeProducers(s.data) : null;
        return Object.freeze({
          name: s.name,
          offset: s.offset,
          data: s.data.slice(),
          ...(producers === null ? {} : { producers }),
        });
      }),
    );
    return this.sectionList;
  }

  /**
   * Instantiates the component with the host's `imports` (see `ComponentImports`):
   * interfaces as objects keyed by their full name, matched by semver when versioned.
   * Throws:
   * - `LinkError` `ERR_MISSING_IMPORT` (naming the import and listing what the host gave),
   *   `ERR_IMPORT_TYPE` (a value of the wrong kind), `ERR_LINK` (a feature not supported yet:
   *   async, streams, futures, threads, component values);
   * - `Trap` when a core start function traps, `CanonicalAbiError` for a rule of the ABI broken
   *   during instantiation; a host function's own error, unchanged.
   */
  instantiate<E extends object = Readonly<Record<string, unknown>>>(
    imports: ComponentImports = {},
  ): ComponentInstance<E> {
    if (typeof imports !== 'object' || imports === null || Array.isArray(imports)) {
      throw new ArgumentError(
        'ERR_ARG_TYPE',
        `Component.instantiate: imports must be an object keyed by import name, got ${describe(imports)}`,
      );
    }
    const linker = { compiled: this.compiled, classes: new Map() };
    const result = instantiateAst(this.ast, null, (name, type) => hostImport(imports, name, type), linker, '');
    return new ComponentInstance<E>(this, exportsObject(result.exports, linker.classes) as E);
  }
}

/**
 * @internal `Component.compile`, with each core module compiled by `compileCore` (all at
 * once): `run` and `call` pass one that goes through the machine-code cache, as a module's
 * compile does, and a `parsed` store (the parse cache) that spares the parse of a component
 * checked before. V8's rejection of a module is reported as `Component.compile` reports it.
 */
export async function compileComponent(
  bytes: ComponentSource,
  compileCore: (wasm: Uint8Array) => Promise<WebAssembly.Module>,
  parsed: ParseStore | null = null,
): Promise<Component> {
  const own = copyBytes(bytes, 'Component.compile');
  let ast = parsed?.load(own) ?? null;
  if (ast === null) {
    ast = parse(own);
    parsed?.save(own, ast);
  }
  const entries = moduleEntries(ast);
  const modules = await Promise.all(
    entries.map((entry) =>
      compileCore(entry.definition.bytes).catch((error: unknown) => {
        throw coreCompileError(entry, error);
      }),
    ),
  );
  const compiled = new Map(entries.map((entry, i) => [entry.definition, modules[i] as WebAssembly.Module]));
  return new Component(own, { [PRECOMPILED]: true, ast, compiled });
}

/**
 * Where `compileComponent` keeps parses of components it checked before (the CLI's
 * parse cache, engine/cache/parse-cache.ts): `load` gives the AST `parseComponent` made
 * of these very bytes, or null; `save` is called after a parse, before anything uses
 * the AST. Neither may throw.
 */
export interface ParseStore {
  load(bytes: Uint8Array): ComponentAst | null;
  save(bytes: Uint8Array, ast: ComponentAst): void;
}

/** Whether a core module defines a memory of its own (one the cap applies to). */
function definesMemory(bytes: Uint8Array): boolean {
  return parseModule(bytes).memories.length > 0;
}

function parse(bytes: Uint8Array): ComponentAst {
  if (bytes.byteLength >= 8 && !isComponentBinary(bytes) && bytes[4] === 1 && bytes[6] === 0) {
    throw new WasmParseError(
      'ERR_BAD_VERSION',
      'a core WebAssembly module, not a component (version 1, layer 0): load it with Module instead',
      4,
    );
  }
  return parseComponent(bytes);
}

/** Every core module definition, depth first in binary order, with its index and nesting. */
function moduleEntries(ast: ComponentAst, path: readonly number[] = []): ModuleEntry[] {
  const entries: ModuleEntry[] = [];
  let modules = 0;
  let components = 0;
  for (const def of ast.definitions) {
    if (def.kind === 'core-module') entries.push({ definition: def, index: modules++, path });
    else if (def.kind === 'component') entries.push(...moduleEntries(def.component, [...path, components++]));
    else if (def.kind === 'alias' && def.sort.kind === 'core' && def.sort.sort === 'module') modules++;
    else if (def.kind === 'alias' && def.sort.kind === 'component') components++;
    else if (def.kind === 'import' && def.type.kind === 'module') modules++;
    else if (def.kind === 'import' && def.type.kind === 'component') components++;
    else if (def.kind === 'export' && def.item.sort.kind === 'core' && def.item.sort.sort === 'module') modules++;
    else if (def.kind === 'export' && def.item.sort.kind === 'component') components++;
  }
  return entries;
}

const V8_OFFSET = /@\+(\d+)\s*$/;

/** V8's rejection of a nested core module, with the module named and the offset made absolute. */
function coreCompileError(entry: ModuleEntry, error: unknown): unknown {
  if (!(error instanceof WebAssembly.CompileError)) return error;
  const at = V8_OFFSET.exec(error.message);
  const offset = at === null ? null : entry.definition.offset + Number(at[1]);
  const reason = withoutV8Prefix(error.message).replace(V8_OFFSET, '').trim();
  const where = offset === null ? '' : ` (at byte 0x${hex(offset, 1)})`;
  const nested = entry.path.length === 0 ? '' : ` of component ${entry.path.join('/')}`;
  return new CompileError(`invalid core module ${entry.index}${nested}: ${reason}${where}`, offset, { cause: error });
}

function copyBytes(bytes: unknown, what: string): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  throw new ArgumentError('ERR_ARG_TYPE', `${what}: expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
}
