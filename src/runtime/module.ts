/**
 * `Module`: a compiled WebAssembly module plus what our parser read from it
 * (`info`), which is where the typed `exports`/`imports` descriptors, custom
 * sections, names and link checks come from.
 */
// artifact.js and machine-code.js are light to load (they load node:crypto and the
// native addon on first use); the cache (./cache/index.js) is imported by `from` only
// when a cache directory is given, so a plain compile never loads it.

import { describe } from './describe.js';
import { decodeArtifact } from './engine/artifact.js';
import { artifactFromModule, loadArtifactModule } from './engine/machine-code.js';
import { nativeAddon, nativeStatus } from './engine/native.js';
import {
  COMPILER_CHOICES,
  type CompilerChoice,
  compileOffThread,
  processTier,
  type Tier,
  tieringFacts,
  tierNotice,
} from './engine/tiering.js';
import { ArgumentError, toCompileError, WasmParseError } from './errors.js';
import { type Exports, type Imports, Instance, type InstanceOptions } from './instance.js';
import {
  describeExtern,
  describeImport,
  describeTypes,
  type ExportDescriptor,
  type ImportDescriptor,
  type TypeDescriptor,
  type TypeNames,
} from './kinds.js';
import { parseCompiledModule } from './parser/index.js';
import { isUtf8, sniff } from './parser/sniff.js';
import type { ModuleInfo } from './parser/types.js';
import { checkFunction, checkObject, checkOneOf, checkPositiveInteger, invalidOption } from './validate.js';
import { watToWasm } from './wat.js';

export interface ModuleOptions {
  /**
   * The tier wanted: 'auto' (default), 'baseline' (Liftoff first) or 'optimizing'
   * (TurboFan on first call). V8's flags are fixed when Node starts, so this is
   * a wish the process must already match (`node --no-liftoff` for optimizing,
   * see `v8FlagsFor`); `Module.from` says through `onNotice` when it does not.
   * The `wasmer-ts` command starts Node with the right flags itself.
   */
  readonly compiler?: CompilerChoice | undefined;
  /**
   * `Module.from` only: the machine-code cache directory for Wasm binaries
   * (see `defaultCacheDir`); after running, `saveToCache(module.raw)` fills it.
   */
  readonly cacheDir?: string | null | undefined;
  /** `Module.from` only: one-line notices (saved machine code not usable here, a discarded cache entry). */
  readonly onNotice?: ((message: string) => void) | undefined;
  /**
   * `Module.from` only: where the bytes came from (a file path), recorded in the cache entry it fills
   * (`cache ls`); for text, also the file a `WatError` names with the error's line and column.
   */
  readonly cacheSource?: string | null | undefined;
  /**
   * `Module.from` only: the cache's size limit in bytes (default 2 GiB, `DEFAULT_CACHE_MAX_BYTES`);
   * filling an entry deletes the least recently used ones beyond it.
   */
  readonly cacheMaxBytes?: number | undefined;
}

/** Bytes a module can be built from. */
export type WasmSource = Uint8Array | ArrayBuffer | ArrayBufferView;

const HEADER_LENGTH = 8;

/** `prog.wat` of `/src/prog.wat`: how a text error names the file (the CLI says where it is). */
function fileName(source: string | null | undefined): string | undefined {
  if (source === undefined || source === null) return undefined;
  return source.slice(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1) || source;
}

/**
 * Internal (index.ts does not export it): `module[RELEASE_BYTES]()` lets the module's copy of
 * its bytes go, for a caller that holds no other reference to them (the CLI's input).
 */
export const RELEASE_BYTES = Symbol('releaseBytes');

// Lets the async paths hand an already compiled module to the constructor.
const PRECOMPILED = Symbol('precompiled');
interface Precompiled {
  readonly [PRECOMPILED]: true;
  readonly raw: WebAssembly.Module;
  readonly info: ModuleInfo;
  /** The bytes given are already this module's own copy (a 72 MB module is not copied twice). */
  readonly ownBytes?: boolean;
  /** The bytes given were handed to V8 and detached (a cache hit's load): the module holds none. */
  readonly released?: boolean;
}

/**
 * A compiled WebAssembly module. `new Module(bytes)` compiles synchronously on
 * this thread; `await Module.compile(bytesOrText)` compiles off it.
 */
export class Module {
  /** V8's compiled module. */
  readonly raw: WebAssembly.Module;
  /** What our parser read: types, imports, exports, sections, names, features. */
  readonly info: ModuleInfo;
  /** Our own copy of the bytes given, or null once released (`RELEASE_BYTES`): V8 has its own. */
  #bytes: Uint8Array | null;
  /**
   * The `compiler` option as given. V8's flags are fixed when Node starts, so it
   * does not change how this process compiles (`tier` says that; tiering.ts).
   */
  readonly compiler: CompilerChoice;
  private exportList: readonly ExportDescriptor[] | undefined;
  private importList: readonly ImportDescriptor[] | undefined;
  private typeList: readonly TypeDescriptor[] | undefined;

  /**
   * Parses and compiles `bytes`. Throws:
   * - `CompileError` (`ERR_COMPILE`) with V8's reason and byte `offset` when V8 rejects it;
   * - its subclass `WasmParseError` when the bytes are not a Wasm binary at all (bad magic or version,
   *   too short), or our parser rejects a module V8 accepted;
   * - `ArgumentError` for a bad argument (`ERR_ARG_TYPE`: use `Module.compile` for text) or option.
   */
  constructor(bytes: WasmSource, options?: ModuleOptions);
  /** @internal */
  constructor(bytes: WasmSource, options: ModuleOptions | undefined, precompiled: Precompiled);
  constructor(bytes: WasmSource, options: ModuleOptions = {}, precompiled?: Precompiled) {
    this.compiler = checkOptions(options);
    if (precompiled?.[PRECOMPILED] === true) {
      const owned = precompiled.ownBytes === true && bytes instanceof Uint8Array;
      this.#bytes = owned && precompiled.released === true ? null : owned ? bytes : copyBytes(bytes, 'new Module');
      this.raw = precompiled.raw;
      this.info = precompiled.info;
      return;
    }
    const own = copyBytes(bytes, 'new Module');
    this.#bytes = own;
    const parsed = parse(own);
    try {
      this.raw = new WebAssembly.Module(own);
    } catch (e) {
      throw toCompileError(e);
    }
    if (parsed.info === undefined) throw parsed.error;
    this.info = parsed.info;
  }

  /**
   * The Wasm binary: our own copy of the bytes given. A module the `wasmer-ts` command
   * runs lets its copy go once V8 has compiled it (V8 keeps the bytes it compiled, 72 MiB
   * for clang); asked for then, the bytes are copied back out of V8 (needs the native addon,
   * which is why only a process that has it lets them go) and kept from then on.
   */
  get bytes(): Uint8Array {
    this.#bytes ??= nativeAddon()!.wireBytes(this.raw);
    return this.#bytes;
  }

  /**
   * @internal Lets our copy of the bytes go (see `bytes`), when the native addon can give
   * them back; custom section payloads, views into them, are copied first. Returns whether it did.
   * The copy is freed now, its buffer detached (the module's own copy, or the bytes the caller
   * handed over): V8 counts a buffer against its old generation's limit until a GC frees it,
   * and clang's 72 MiB held that way cost five mark-compacts more than node:wasi's run.
   */
  [RELEASE_BYTES](): boolean {
    if (this.#bytes === null) return true;
    if (!nativeStatus().available) return false;
    (this as { info: ModuleInfo }).info = withOwnCustomSections(this.info);
    nativeAddon()?.detach?.(this.#bytes);
    this.#bytes = null;
    return true;
  }

  /**
   * Compiles asynchronously (V8 compiles on background threads). A string is
   * WebAssembly text, converted first (`WatError` if it is not valid). Throws
   * like the constructor otherwise.
   */
  static async compile(source: WasmSource | string, options: ModuleOptions = {}): Promise<Module> {
    checkOptions(options);
    const bytes = typeof source === 'string' ? await watToWasm(source) : copyBytes(source, 'Module.compile');
    return compileOwned(bytes, options);
  }

  /**
   * Builds a module from whatever a file holds: a Wasm binary (starts with
   * `\0asm`), a serialized module (`Module.serialize`, `wasmer-ts compile`), or
   * UTF-8 WebAssembly text. Throws `WasmParseError` (`ERR_BAD_MAGIC`) for
   * anything else, and as `compile`/`deserialize`/the text converter do.
   */
  static async from(bytes: Uint8Array, options: ModuleOptions = {}): Promise<Module> {
    return fromBytes(bytes, options, 'copy');
  }

  /** Whether `bytes` is a valid Wasm binary, by V8's judgement. Never throws, whatever it is given. */
  static validate(bytes: unknown): boolean {
    if (!(bytes instanceof ArrayBuffer || ArrayBuffer.isView(bytes))) return false;
    try {
      return WebAssembly.validate(bytes);
    } catch {
      return false;
    }
  }

  /**
   * Rebuilds a module from `module.serialize()` output, compiling its Wasm
   * (synchronously: saved machine code needs the async `Module.from`). Throws `ArtifactError`
   * (`ERR_ARTIFACT_MAGIC`, `_VERSION`, `_TRUNCATED`, `_CORRUPT`) for a bad blob.
   */
  static deserialize(bytes: Uint8Array, options: ModuleOptions = {}): Module {
    const { wasm } = decodeArtifact(bytes);
    return new Module(wasm, options);
  }

  /**
   * A versioned container holding the Wasm binary and, when the native addon is
   * built, the machine code V8 has optimized so far (see src/runtime/engine/artifact.ts);
   * `Module.from` loads both, `Module.deserialize` the Wasm.
   */
  serialize(): Uint8Array {
    return artifactFromModule(this.raw, this.bytes);
  }

  /**
   * The tier V8 compiles this module's functions with on their first call, in
   * this process: `optimizing` (TurboFan) when Node was started with
   * `--no-liftoff`, else `baseline` (Liftoff, then TurboFan for hot functions).
   */
  get tier(): Tier {
    return processTier();
  }

  /**
   * The exports: `[{ kind: ExportKind.FUNCTION, name: 'sum', type: { params: ['i32', 'i32'], results: ['i32'] } }, ...]`.
   * Reference types are spelled as the text format spells them (`externref`, `(ref any)`), a concrete one with
   * its type's name from the name section when it has one (`(ref null $point)`), else its index (`(ref null 3)`).
   */
  get exports(): readonly ExportDescriptor[] {
    const names = this.typeNames();
    this.exportList ??= Object.freeze(
      this.info.exports.map((e) => Object.freeze(describeExtern(e.name, e.desc, names))),
    );
    return this.exportList;
  }

  /** The imports, like `exports` plus `namespace`: `[{ kind: ImportKind.MEMORY, namespace: 'ns', name: 'mem', minimumPages: 3, ... }]`. */
  get imports(): readonly ImportDescriptor[] {
    const names = this.typeNames();
    this.importList ??= Object.freeze(this.info.imports.map((i) => Object.freeze(describeImport(i, names))));
    return this.importList;
  }

  /**
   * The type section, one descriptor per type index: its kind, text form, GC finality, supertypes and
   * `rec` group, and its parameters and results (func), fields (struct) or element (array), with names
   * from the name section. `[{ index: 0, name: 'point', kind: 'struct', text: 'struct (field $x i32)', ... }]`.
   */
  get types(): readonly TypeDescriptor[] {
    this.typeList ??= Object.freeze(describeTypes(this.info).map((t) => Object.freeze(t)));
    return this.typeList;
  }

  private typeNames(): TypeNames {
    const info = this.info;
    return () => info.names.types;
  }

  /** The module's name from the name section, or null. */
  get name(): string | null {
    return this.info.names.module;
  }

  /** Names of the custom sections, each once, in file order. */
  get customSectionNames(): string[] {
    return [...new Set(this.info.customSections.map((s) => s.name))];
  }

  /** A copy of the payload of the first custom section called `name`, or null. */
  customSection(name: string): Uint8Array | null {
    const section = this.info.customSections.find((s) => s.name === name);
    return section === undefined ? null : section.data.slice();
  }

  /** Copies of the payloads of every custom section called `name`, in file order. */
  customSections(name: string): Uint8Array[] {
    return this.info.customSections.filter((s) => s.name === name).map((s) => s.data.slice());
  }

  /** Instantiates the module: see `new Instance`. */
  instantiate<E extends object = Exports>(imports?: Imports, options?: InstanceOptions): Instance<E> {
    return new Instance<E>(this, imports, options);
  }
}

/**
 * `Module.from` for bytes the caller hands over: they become the module's own
 * `bytes` instead of being copied, so nothing else may write to them. For the
 * CLI's input, read from a file and held by nothing else: a copy of clang's
 * 72 MiB took 90 ms and stayed resident for the run (Node 20). A view of part
 * of a larger buffer (a small file's bytes, in Node's shared Buffer pool) is
 * copied all the same, so the module never keeps memory that is not its own.
 * Internal (index.ts does not export it).
 */
export async function moduleFromOwnedBytes(
  bytes: Uint8Array,
  options: ModuleOptions = {},
  { release = false }: { readonly release?: boolean } = {},
): Promise<Module> {
  const whole = bytes instanceof Uint8Array && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return fromBytes(bytes, options, whole ? (release ? 'release' : 'own') : 'copy');
}

/**
 * What `load` may do with the bytes it is given: copy them (the caller keeps using them), make
 * them the module's own, or also `release` them: a cache hit of a Wasm binary detaches them as
 * soon as V8 has its copy (`moduleFromOwnedBytes`'s `release`, for a caller that lets the
 * module's copy go anyway, see RELEASE_BYTES), and the module holds none.
 */
type Ownership = 'copy' | 'own' | 'release';

/** `Module.from` with `bytes` taken as `ownership` says. */
async function fromBytes(bytes: Uint8Array, options: ModuleOptions, ownership: Ownership): Promise<Module> {
  // Taken before the load, which may detach them (`release`); anything else, load rejects.
  const byteLength = bytes instanceof Uint8Array ? bytes.byteLength : 0;
  const module = await load(bytes, options, ownership);
  // The one place a tier wish can be reported: `from` is the entry that has `onNotice`.
  const notice = tierNotice(module.compiler, tieringFacts({ byteLength }, module.info));
  if (notice !== null) options.onNotice?.(notice);
  return module;
}

/**
 * Compiles `bytes` (off this thread), which become the module's own, and parses them (unless
 * `parsed` is their parse already) while V8 compiles: V8 has copied them when
 * `WebAssembly.compile` returns, and its threads decode, validate and compile them while this
 * one runs our parse. The parse came first until 2026-12-03, and clang's start (72 MiB) waited
 * 24 ms for it before V8 began.
 */
async function compileOwned(bytes: Uint8Array, options: ModuleOptions, parsed?: Parsed): Promise<Module> {
  checkOptions(options);
  const compiling = compileOffThread(bytes);
  let ours: Parsed;
  try {
    ours = parsed ?? parse(bytes);
  } catch (e) {
    // A header error (parse): thrown now, as before the compile began; V8's verdict is dropped.
    compiling.catch(() => {});
    throw e;
  }
  let raw: WebAssembly.Module;
  try {
    raw = await compiling;
  } catch (e) {
    throw toCompileError(e);
  }
  if (ours.info === undefined) throw ours.error;
  return new Module(bytes, options, { [PRECOMPILED]: true, raw, info: ours.info, ownBytes: true });
}

async function load(bytes: Uint8Array, options: ModuleOptions, ownership: Ownership): Promise<Module> {
  const owned = ownership !== 'copy';
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError('ERR_ARG_TYPE', `Module.from: expected a Uint8Array, got ${describe(bytes)}`);
  }
  const { format, text } = sniff(bytes);
  const isWasm = format === 'wasm';
  // Cache entries are keyed by this process's V8 flags (tiering.ts), so every tier has its own.
  const useCache = (options.cacheDir ?? null) !== null;
  if (isWasm && !useCache) return compileOwned(owned ? bytes : copyBytes(bytes, 'Module.from'), options);
  if (isWasm || format === 'artifact') {
    // Machine code from the cache or the artifact when every check passes (issue 5), else a normal compile.
    checkOptions(options);
    // A miss compiles through compileOwned; its Module (its own copy, parsed) is kept, so a
    // big module is neither copied nor parsed twice.
    let compiled: Module | undefined;
    // Bytes a hit detaches are parsed just before (its custom sections copied out, since they
    // are views into the bytes); a miss parses them while V8 compiles them (compileOwned).
    const release = isWasm && ownership === 'release';
    let early: Parsed | undefined;
    const compile = async (wasm: Uint8Array) => {
      const mine = owned && wasm === bytes;
      compiled = await compileOwned(mine ? wasm : copyBytes(wasm, 'Module.from'), options, mine ? early : undefined);
      return compiled.raw;
    };
    const onNotice = options.onNotice ?? (() => {});
    let wasm = bytes;
    let raw: WebAssembly.Module;
    if (isWasm) {
      const { compileWithCache } = await import('./engine/cache/index.js');
      const cached = await compileWithCache(bytes, {
        dir: options.cacheDir ?? null,
        onNotice,
        compile,
        releaseWasm: release,
        beforeRelease: () => {
          early ??= parseKeepingNothing(bytes);
        },
        source: options.cacheSource ?? null,
        ...(options.cacheMaxBytes === undefined ? {} : { maxBytes: options.cacheMaxBytes }),
      });
      raw = cached.module;
    } else {
      const loaded = await loadArtifactModule(bytes, { compile });
      if (loaded.notice !== null) onNotice(loaded.notice);
      ({ wasm, module: raw } = loaded);
    }
    if (compiled !== undefined && compiled.raw === raw) return compiled;
    const parsed = early ?? parse(wasm);
    if (parsed.info === undefined) throw parsed.error;
    return new Module(wasm, options, {
      [PRECOMPILED]: true,
      raw,
      info: parsed.info,
      ownBytes: owned && wasm === bytes,
      // Detached by the hit's load (an addon built before `release` leaves them whole).
      released: release && bytes.byteLength === 0,
    });
  }
  // A NUL byte never starts or appears in WebAssembly text: such input is a (truncated or
  // damaged) binary, and the binary reader's error says more than the text converter's.
  if (text !== null) return compileOwned(await watToWasm(text, fileName(options.cacheSource)), options);
  if (bytes[0] === 0x00 || isUtf8(bytes)) return compileOwned(owned ? bytes : copyBytes(bytes, 'Module.from'), options);
  throw new WasmParseError(
    'ERR_BAD_MAGIC',
    'not a WebAssembly binary (no \\0asm magic), not a serialized module, and not UTF-8 WebAssembly text',
    0,
  );
}

function checkOptions(options: unknown): CompilerChoice {
  if (options === undefined || options === null) return 'auto';
  checkObject(options, 'Module: options');
  const { cacheDir, onNotice, cacheSource, cacheMaxBytes, compiler = 'auto' } = options;
  if (cacheMaxBytes !== undefined) checkPositiveInteger(cacheMaxBytes, 'Module: options.cacheMaxBytes', 'bytes');
  if (cacheDir !== undefined && cacheDir !== null && typeof cacheDir !== 'string') {
    throw invalidOption('Module: options.cacheDir', 'a directory path or null', cacheDir);
  }
  if (cacheSource !== undefined && cacheSource !== null && typeof cacheSource !== 'string') {
    throw invalidOption('Module: options.cacheSource', 'a file path or null', cacheSource);
  }
  if (onNotice !== undefined) checkFunction(onNotice, 'Module: options.onNotice');
  checkOneOf(compiler, 'Module: options.compiler', COMPILER_CHOICES);
  return compiler;
}

function copyBytes(bytes: unknown, what: string): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes)) {
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  }
  if (typeof bytes === 'string') {
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      `${what}: got a string; WebAssembly text needs the asynchronous converter: use await Module.compile(text)`,
    );
  }
  throw new ArgumentError('ERR_ARG_TYPE', `${what}: expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
}

function isHeaderError(e: WasmParseError): boolean {
  return e.code === 'ERR_BAD_MAGIC' || e.code === 'ERR_BAD_VERSION' || e.offset < HEADER_LENGTH;
}

/** `info` with its custom sections' payloads copied out of the module's bytes (they are views into them). */
function withOwnCustomSections(info: ModuleInfo): ModuleInfo {
  if (info.customSections.length === 0) return info;
  return { ...info, customSections: info.customSections.map((c) => ({ ...c, data: c.data.slice() })) };
}

/** `parse`, keeping no view into `bytes`, which may be detached after (a cache hit's `release`). */
function parseKeepingNothing(bytes: Uint8Array): Parsed {
  const parsed = parse(bytes);
  return parsed.info === undefined ? parsed : { info: withOwnCustomSections(parsed.info) };
}

/** Our parse of `bytes`, or the error it found: see `parse`. */
type Parsed = { info: ModuleInfo; error?: undefined } | { info?: undefined; error: unknown };

/**
 * Our parse: a header problem is thrown now; any other parse error waits until V8 has had its
 * say. Every module here is compiled by V8 from the same bytes (or loaded for bytes it compiled
 * before), so the code section's bodies are left to V8 (parseCompiledModule).
 */
function parse(bytes: Uint8Array): Parsed {
  try {
    return { info: parseCompiledModule(bytes) };
  } catch (e) {
    if (e instanceof WasmParseError && isHeaderError(e)) throw e;
    return { error: e };
  }
}
