/**
 * The automatic on-disk cache of compiled modules used by `run` and `call`.
 *
 * An entry is an artifact (../artifact.ts) holding V8's machine code for one
 * Wasm module, in `<dir>/<wasm blake3>-<engine hash>.wasmu`, so a different
 * Node, V8, CPU, flag set or wasmer-ts version simply looks up another key.
 * Entries leave the Wasm out: a lookup is made by a caller that holds the Wasm
 * bytes (their BLAKE3 hash is the entry's name), and the entry is checked against
 * them (length, hash, then the payload's hash), so a 72 MiB module does
 * not cost a second 72 MiB copy on disk. Entries are written to a temporary
 * file and renamed, so a concurrent reader sees a whole entry or none. A
 * corrupt or refused entry is a miss and is deleted. No cache operation ever
 * throws: a cache failure must never fail a command.
 *
 * Reading trusts nothing about the file: it is opened with O_NOFOLLOW and
 * O_NONBLOCK (a symlink to /dev/zero, a FIFO with no writer), then fstat'ed, and
 * only a regular file no larger than the size limit is read: its header first,
 * then, when the size it declares is the file's size, the rest. Anything else is
 * skipped with a notice and left alone (the cache did not write it).
 *
 * Size: the entries are kept under `maxBytes` (default `DEFAULT_CACHE_MAX_BYTES`)
 * by deleting the least recently used ones after each write. "Used" is the
 * entry's mtime: a write sets it, and a hit sets it again through the handle it
 * read from (one futimes; atime is useless, since most file systems are mounted
 * relatime or noatime). That needs no index file, so there is nothing to lock
 * and nothing a crash can leave half written; processes evicting at the same
 * time may both delete an entry or two, which only costs a miss. Temp files
 * left by a crashed writer are deleted once an hour old.
 *
 * When it is filled: after a run that missed (`CachedCompile.save()`), from
 * the code V8 optimized during that run, serialized in process: one
 * serialization, no extra compile, nothing left running after the command.
 * V8 has no on-stack replacement for Wasm, but a function whose tier-up budget
 * ran out is recompiled by TurboFan in the background even while its first
 * (and only) call keeps running in Liftoff code, so even a single long call
 * leaves its TurboFan code behind: the next run starts about as fast as from an
 * eager `compile`, and the entry holds the code an eager compile produces for
 * the functions that ran (bench/suites/cache.js compares the two, and both with
 * a cold start). Functions that never got hot are missing; they start in
 * Liftoff and tier up as usual.
 * In a process that starts functions in Liftoff (V8's defaults, `--compiler
 * baseline`), a run shorter than `MIN_RUN_MS` (compile included) fills nothing:
 * nothing would be optimized yet. Under --no-liftoff (what `run` and `call` start
 * a module of up to a megabyte of code with) every function that ran is TurboFan
 * code, the code the next run would compile again: any run fills the entry, a
 * hello world's included.
 */
import { closeSync, futimesSync, lstatSync, mkdirSync, readdirSync, type Stats, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe } from '../../describe.js';
import { ArgumentError } from '../../errors.js';
import { formatBytes } from '../../units.js';
import {
  type ArtifactHeader,
  type ArtifactLayout,
  artifactHeaderLength,
  decodeArtifact,
  encodeEntryFor,
  type LenientDecodedArtifact,
  type MachineCodeSummary,
  readArtifactHeader,
  type WasmSummary,
} from '../artifact.js';
import { writeFileAtomic } from '../atomic-write.js';
import { currentEngine, processFlags, v8FlagFingerprint } from '../fingerprint.js';
import { blake3Hex, sha256Hex } from '../hash.js';
import { defaultCompile, loadDecodedArtifact, serializeCompiled, serializeMachineCode } from '../machine-code.js';
import { codeSectionSize, type ModuleFacts, readModuleFacts } from '../module-facts.js';
import { nativeStatus } from '../native.js';
import { type CompileMode, entryFlags, isTierFlag, processTier, v8FlagsFor } from '../tiering.js';
import { fileIdentityOf } from './file-identity.js';
import { fileKind, ignoreErrors, openCacheFile, openFailure, readAt } from './files.js';
import { IDENTITY_FILE, lookupHash, recordHash } from './identity.js';
import { type CacheFillResult, NOTHING_SAVED as NOTHING, registerPendingSave } from './registry.js';

let fsPromises: typeof import('node:fs/promises') | undefined;

/**
 * node:fs/promises, loaded on first use: a lookup that misses needs only `lstatSync`,
 * and fs/promises pulls in some forty built-in modules (streams, readline), which Node
 * compiles from source when V8's flags are not its defaults (`run` has --no-liftoff):
 * their code cache is keyed by the flags.
 */
async function fsp(): Promise<typeof import('node:fs/promises')> {
  fsPromises ??= await import('node:fs/promises');
  return fsPromises;
}

export { defaultCacheDir, saveToCache } from './registry.js';
export type { CacheFillResult };

export const CACHE_EXTENSION = '.wasmu';

/**
 * The default size limit: 2 GiB. Entries of real programs are large (clang's
 * machine code is 203 MiB, pandoc's about 100 MiB), and the limit should keep
 * the last several of those; most modules' entries are KiB to a few MiB, so
 * thousands fit. wasmtime's cache defaults to 1 GiB; we hold no copy of the
 * Wasm, so 2 GiB keeps more. A fixed default, rather than a share of the free
 * space, so the cache's behaviour does not depend on the disk it sits on.
 */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

/**
 * The largest entry ever read: the header (≤ 64 KiB) plus a Wasm and machine
 * code of at most 4 GiB each (their u32 lengths); the size limit is usually lower.
 */
const MAX_ENTRY_BYTES = 2 * 2 ** 32 + 2 ** 17;

/** Temp files older than this belong to a writer that died (a write takes seconds at most). */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** File identity records (./identity.ts) not rewritten for this long are deleted by eviction. */
const IDENTITY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The names the cache writes end in `-<engine key>.wasmu` (`<wasm blake3>-<16 hex>.wasmu`),
 * and its temp files are such a name plus `.<...>.tmp`. `ls`, `clean` and eviction touch
 * nothing else, so `--cache-dir .` never lists or deletes a user's own `app.wasmu` or `x.tmp`.
 */
const ENTRY_NAME = /-[0-9a-f]{16}\.wasmu$/;
const TEMP_NAME = /-[0-9a-f]{16}\.wasmu\..+\.tmp$/;
/**
 * Eviction runs unasked, after every write, so it is stricter still: only the exact form
 * the cache writes, `<64 hex>-<16 hex>.wasmu` (and its temp files). `cache ls` shows, and
 * `cache clean` deletes, a `junk-<16 hex>.wasmu` as a damaged entry; eviction leaves it.
 */
const EVICTABLE_ENTRY = /^[0-9a-f]{64}-[0-9a-f]{16}\.(?:wasmu|wcomp)$/;
const EVICTABLE_TEMP = /^[0-9a-f]{64}-[0-9a-f]{16}\.(?:wasmu|wcomp)\.[^/]+\.tmp$/;

/**
 * The extension of the parse cache's entries (parse-cache.ts): `<component blake3>-<16 hex>.wcomp`,
 * the checked parse of a component. They share the size limit and the eviction with machine
 * code, `clean` removes them (and their temp files), and `parses()` counts them for `ls`.
 */
export const PARSE_EXTENSION = '.wcomp';
const PARSE_ENTRY = /^[0-9a-f]{64}-[0-9a-f]{16}\.wcomp$/;
const PARSE_FILE = /^[0-9a-f]{64}-[0-9a-f]{16}\.wcomp(?:\.[^/]+\.tmp)?$/;

/** A short hash of everything machine code depends on (this process's V8 flags included). */
export function engineKey(engine = currentEngine()): string {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(engine))).slice(0, 16);
}

/**
 * The key this Node, V8, CPU and wasmer-ts write under in each compile mode
 * (tiering.ts): `cache ls` runs with other flags than the `run`s that filled
 * the cache, and their entries are this engine's all the same.
 */
export function engineKeysByMode(): Record<CompileMode, string> {
  const keyFor = (mode: CompileMode) => keyUnderFlags([...v8FlagsFor(mode), ...entryFlags(mode)]);
  return { baseline: keyFor('baseline'), optimizing: keyFor('optimizing'), eager: keyFor('eager') };
}

/**
 * Every key of this engine: each mode's, and TurboFan's without the CLI's flags, which a
 * component's run and one of a module with little code have (no Wasm inlining on V8 11:
 * tiering.ts, wantsEntryInlining).
 */
function engineKeysOfAnyTier(): string[] {
  return [...Object.values(engineKeysByMode()), keyUnderFlags(v8FlagsFor('optimizing'))];
}

/** This engine's key in a process started with this process's other flags and `flags` (the tier's). */
function keyUnderFlags(flags: readonly string[]): string {
  const base = processFlags().filter((f) => !isTierFlag(f) && !entryFlags('optimizing').includes(f));
  return engineKey({ ...currentEngine(), flagFingerprint: v8FlagFingerprint([...base, ...flags]) });
}

export interface CacheEntry {
  readonly key: string;
  readonly file: string;
  readonly byteLength: number;
  /** When the entry was last used: written, or loaded by a lookup (its mtime). */
  readonly lastUsed: Date;
  /** The same as `lastUsed` (the name it had before uses were tracked). */
  readonly modified: Date;
  /** The module name from its name section, or null. */
  readonly moduleName: string | null;
  /** The file the entry was filled from (as the program that ran it named it), or null. */
  readonly source: string | null;
  readonly wasmHash: string | null;
  readonly wasmByteLength: number | null;
  /** False for entries without the Wasm (what `put` writes); true for a self-contained artifact. */
  readonly hasWasm: boolean | null;
  readonly machineCodeByteLength: number | null;
  /** Which functions V8's code covers (TurboFan), or null when unknown. */
  readonly machineCode: MachineCodeSummary | null;
  /** False when the file is damaged, not an artifact, or not a regular file. */
  readonly valid: boolean;
  /** Why it is not valid, or null. */
  readonly problem: string | null;
  /** True when the entry was written by this engine (Node, V8, CPU, flags, wasmer-ts). */
  readonly isCurrentEngine: boolean;
}

export interface CacheHit {
  readonly module: WebAssembly.Module;
  /** False when V8 refused the entry's code (the entry is then deleted and the Wasm compiled). */
  readonly usedMachineCode: boolean;
  /** Bytes of machine code the entry held. */
  readonly machineCodeByteLength: number;
}

export interface ModuleCacheOptions {
  /** One-line notices (a skipped or discarded entry, a failed write). */
  readonly onNotice?: (message: string) => void;
  /** The size limit in bytes (default `DEFAULT_CACHE_MAX_BYTES`): least recently used entries go first. */
  readonly maxBytes?: number;
}

/** The result of reading an entry file safely. */
type EntryFile =
  | { readonly kind: 'missing' }
  /** Not something to read (a FIFO, a symlink, unreadable, oversized): left alone. */
  | { readonly kind: 'skip'; readonly why: string }
  /** A regular file that is not a sound entry: deleted by a lookup. */
  | { readonly kind: 'damaged'; readonly why: string; readonly info: Stats }
  | {
      readonly kind: 'entry';
      readonly layout: ArtifactLayout;
      readonly info: Stats;
      /** The whole file, or only its header when that was all that was asked for. */
      readonly bytes: Uint8Array;
      /** The file's descriptor, open when the whole file was read (the caller closes it). */
      readonly fd: number | null;
    };

/** Throws `ArgumentError` unless `maxBytes` is a positive safe integer. */
export function checkMaxBytes(maxBytes: unknown, what: string): number {
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `${what} must be a positive integer (bytes), got ${describe(maxBytes)}`,
    );
  }
  return maxBytes;
}

/** A directory of cached modules. Every method swallows I/O errors (reported through `onNotice`). */
export class ModuleCache {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly onNotice: (message: string) => void;
  /** Files a notice was already given for, so a lookup and the save after it do not say it twice. */
  private readonly noticed = new Set<string>();

  /** Throws `ArgumentError` for a bad `maxBytes`; nothing else. */
  constructor(dir: string, options: ModuleCacheOptions = {}) {
    this.dir = dir;
    this.onNotice = options.onNotice ?? (() => {});
    this.maxBytes =
      options.maxBytes === undefined ? DEFAULT_CACHE_MAX_BYTES : checkMaxBytes(options.maxBytes, 'options.maxBytes');
  }

  /** The file an entry for `wasm` has in this process. */
  fileFor(wasm: Uint8Array, wasmHash: string = blake3Hex(wasm)): string {
    return this.fileForHash(wasmHash);
  }

  private fileForHash(wasmHash: string): string {
    return join(this.dir, `${wasmHash}-${engineKey()}${CACHE_EXTENSION}`);
  }

  /**
   * After a run that missed: stores V8's machine code for `module`, compiled by
   * `compileWithCache` from the Wasm `record` describes (the bytes are not needed).
   */
  async putCompiled(
    module: WebAssembly.Module,
    record: CompiledFrom,
    options: { source?: string | null; onlyIfMoreThan?: number } = {},
  ): Promise<CacheFillResult> {
    let machineCode: Uint8Array | null;
    try {
      machineCode = serializeCompiled(module);
    } catch (error) {
      this.onNotice(`cache: could not save to ${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
      return NOTHING;
    }
    return this.store(machineCode, record, record.hash, options);
  }

  /** Whether something exists at the entry's name (one lstat; it may still turn out damaged, refused or not a file). */
  has(wasm: Uint8Array, wasmHash: string = blake3Hex(wasm)): boolean {
    return lstatOrNull(this.fileFor(wasm, wasmHash)) !== null;
  }

  /**
   * The cached module for `wasm`, or null on a miss. A damaged entry, one for
   * other Wasm bytes, or one V8 refuses, is deleted and counts as a miss; a file
   * that is not a regular file of a sane size, or cannot be read, is skipped
   * (with a notice) and left alone. A hit marks the entry as just used.
   */
  async get(
    wasm: Uint8Array,
    wasmHash: string = blake3Hex(wasm),
    options: { readonly releaseWasm?: boolean; readonly beforeRelease?: () => void } = {},
  ): Promise<CacheHit | null> {
    const file = this.fileFor(wasm, wasmHash);
    const found = this.readEntry(file, true);
    if (found.kind === 'missing') return null;
    if (found.kind === 'skip') {
      this.notice(file, `cache: skipped ${basename(file)} (${found.why}); compiled from the Wasm instead`);
      return null;
    }
    if (found.kind === 'damaged') {
      await this.drop(file, found.why);
      return null;
    }
    const { bytes, layout, fd } = found;
    let read: LenientDecodedArtifact;
    try {
      if (layout.header.wasmHash !== wasmHash) {
        throw new Error('the entry holds machine code for other Wasm bytes');
      }
      read = decodeArtifact(bytes, { wasm, wasmBlake3: wasmHash, allowDamagedMachineCode: true });
      if (read.machineCode === null) {
        throw new Error(read.machineCodeProblem?.reason ?? 'the entry holds no machine code');
      }
      // Last use, for eviction: through the descriptor that was read, so it is this file's mtime.
      const now = new Date();
      if (fd !== null) ignoreErrors(() => futimesSync(fd, now, now));
    } catch (error) {
      if (fd !== null) ignoreErrors(() => closeSync(fd)); // before the unlink: Windows cannot delete an open file
      await this.drop(file, error instanceof Error ? error.message : String(error));
      return null;
    }
    if (fd !== null) ignoreErrors(() => closeSync(fd));
    if (options.releaseWasm === true) options.beforeRelease?.();
    try {
      const loaded = await loadDecodedArtifact(read, { releaseWasm: options.releaseWasm === true });
      const machineCodeByteLength = read.header.machineCodeByteLength;
      if (!loaded.usedMachineCode) {
        await this.drop(file, loaded.notice ?? 'V8 refused its machine code');
        return { module: loaded.module, usedMachineCode: false, machineCodeByteLength };
      }
      return { module: loaded.module, usedMachineCode: true, machineCodeByteLength };
    } catch (error) {
      await this.drop(file, error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  /**
   * Stores V8's current machine code for `module` (compiled from `wasm`): after
   * a run, the functions it tiered up. The entry holds no copy of the Wasm.
   * `source` is recorded as the file it came from (`cache ls` shows it). Then
   * evicts least recently used entries beyond `maxBytes`. `kind: 'none'` when
   * there was nothing to store (no addon, nothing optimized yet), the entry
   * would exceed the limit by itself, or the write failed.
   */
  async put(
    module: WebAssembly.Module,
    wasm: Uint8Array,
    wasmHash: string = blake3Hex(wasm),
    options: { source?: string | null; onlyIfMoreThan?: number } = {},
  ): Promise<CacheFillResult> {
    // A module compileWithCache made from these very bytes (by their hash) needs no check against them.
    const record = compiledFrom.get(module);
    const compiledFromWasm = record !== undefined && record.hash === wasmHash && record.byteLength === wasm.length;
    let machineCode: Uint8Array | null;
    try {
      machineCode = serializeMachineCode(module, wasm, { compiledFromWasm });
    } catch (error) {
      this.onNotice(`cache: could not save to ${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
      return NOTHING;
    }
    const summary = { byteLength: wasm.length, facts: readModuleFacts(wasm) };
    return this.store(machineCode, summary, wasmHash, options);
  }

  /**
   * `put` for machine code already serialized from a module compiled from the Wasm that
   * `wasm` and `wasmHash` describe: what a miss's `save()` calls, holding no bytes.
   */
  private async store(
    machineCode: Uint8Array | null,
    wasm: WasmSummary,
    wasmHash: string,
    options: { source?: string | null; onlyIfMoreThan?: number },
  ): Promise<CacheFillResult> {
    try {
      // Before node:fs/promises loads: after most hits there is nothing new to write.
      if (machineCode === null || machineCode.length === 0) return NOTHING;
      if (options.onlyIfMoreThan !== undefined && machineCode.length <= options.onlyIfMoreThan) return NOTHING;
      const file = this.fileForHash(wasmHash);
      const artifact = encodeEntryFor(currentEngine(), wasm, hexBytes(wasmHash), {
        machineCode,
        source: options.source ?? null,
      });
      if (artifact.length > this.maxBytes) {
        this.notice(
          file,
          `cache: not saved: the entry would take ${formatBytes(artifact.length)}, more than the cache's size limit of ${formatBytes(this.maxBytes)}`,
        );
        return NOTHING;
      }
      const there = lstatOrNull(file);
      if (there !== null && !there.isFile()) {
        this.notice(file, `cache: not saved: ${basename(file)} is ${fileKind(there)}, which the cache did not write`);
        return NOTHING;
      }
      await this.write(file, artifact);
      await this.evict(this.maxBytes, file);
      return { kind: 'tiered', machineCodeByteLength: machineCode.length };
    } catch (error) {
      this.onNotice(`cache: could not save to ${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
      return NOTHING;
    }
  }

  /**
   * Writes a whole artifact as the entry for its Wasm (atomically: temp file, then rename).
   * Filling an entry, as reading one, loads no node:fs/promises for a small entry: a first
   * run of a small module writes its entry, and that module's load costs 6 ms there.
   */
  async write(file: string, artifact: Uint8Array): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    await writeFileAtomic(file, artifact);
  }

  /** Every entry, most recently used first, read from its header only. Missing directory = empty list. */
  async list(): Promise<CacheEntry[]> {
    const { lstat } = await fsp();
    const names = await this.names();
    if (names === null) return [];
    const current = engineKeysOfAnyTier();
    const entries: CacheEntry[] = [];
    for (const name of names) {
      if (!ENTRY_NAME.test(name)) continue;
      const file = join(this.dir, name);
      const key = name.slice(0, -CACHE_EXTENSION.length);
      const info = await lstat(file).catch(() => null);
      if (info === null) continue; // removed by a concurrent clean
      const found = info.isFile() ? this.readEntry(file, false) : null;
      if (found?.kind === 'missing') continue;
      const header: ArtifactHeader | null = found?.kind === 'entry' ? found.layout.header : null;
      const problem =
        found === null
          ? `${fileKind(info)}, not a file the cache wrote`
          : found.kind === 'skip' || found.kind === 'damaged'
            ? found.why
            : found.layout.header.hashAlgorithm !== 'blake3'
              ? 'an older wasmer-ts wrote it, named by SHA-256, which no lookup uses now (eviction or `cache clean` removes it)'
              : key.startsWith(found.layout.header.wasmHash)
                ? null
                : 'it holds machine code for other Wasm bytes than its name says';
      entries.push({
        key,
        file,
        byteLength: info.size,
        lastUsed: info.mtime,
        modified: info.mtime,
        moduleName: header?.moduleName ?? null,
        source: header?.source ?? null,
        wasmHash: header?.wasmHash ?? null,
        wasmByteLength: header?.wasmByteLength ?? null,
        hasWasm: header?.hasWasm ?? null,
        machineCodeByteLength: header?.machineCodeByteLength ?? null,
        machineCode: header?.machineCodeSummary ?? null,
        valid: problem === null,
        problem,
        isCurrentEngine: current.some((k) => key.endsWith(`-${k}`)),
      });
    }
    return entries.sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
  }

  /** How many component parses (parse-cache.ts) the directory holds, and their bytes. */
  async parses(): Promise<{ count: number; byteLength: number }> {
    const { lstat } = await fsp();
    let count = 0;
    let byteLength = 0;
    for (const name of (await this.names()) ?? []) {
      if (!PARSE_ENTRY.test(name)) continue;
      const info = await lstat(join(this.dir, name)).catch(() => null);
      if (info === null || !info.isFile()) continue;
      count++;
      byteLength += info.size;
    }
    return { count, byteLength };
  }

  /** The names in the cache directory, or null when it cannot be read (missing: nothing cached). */
  private async names(): Promise<string[] | null> {
    const { readdir } = await fsp();
    return readdir(this.dir).catch(() => null);
  }

  /** Deletes every entry (and stray temp files). Returns how many files and bytes were freed. */
  async clean(): Promise<{ removed: number; byteLength: number }> {
    const { lstat, unlink } = await fsp();
    const names = await this.names();
    if (names === null) return { removed: 0, byteLength: 0 };
    let removed = 0;
    let byteLength = 0;
    for (const name of names) {
      if (!ENTRY_NAME.test(name) && !TEMP_NAME.test(name) && !PARSE_FILE.test(name) && !IDENTITY_FILE.test(name)) {
        continue;
      }
      const file = join(this.dir, name);
      try {
        const { size } = await lstat(file);
        await unlink(file);
        // An identity record (./identity.ts) is not an entry: its bytes count, it does not.
        if (!IDENTITY_FILE.test(name)) removed++;
        byteLength += size;
      } catch {
        // Already gone.
      }
    }
    return { removed, byteLength };
  }

  /**
   * Deletes least recently used entries (regular files named as the cache names them)
   * until the rest take at most `maxBytes`, never `keep`; and temp files an hour
   * old (their writer died). Returns what it freed; never throws.
   */
  async evict(
    maxBytes: number = this.maxBytes,
    keep: string | null = null,
  ): Promise<{ removed: number; byteLength: number }> {
    // Synchronous calls, as `write` makes (one lstat per entry): it follows every write.
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return { removed: 0, byteLength: 0 };
    }
    const entries: { file: string; size: number; usedMs: number }[] = [];
    let removed = 0;
    let byteLength = 0;
    const remove = (file: string, size: number): void => {
      try {
        unlinkSync(file);
        // As in clean(): an identity record's bytes count, the record is not an entry.
        if (!IDENTITY_FILE.test(basename(file))) removed++;
        byteLength += size;
      } catch {
        // Gone already (another process evicting), or not ours to remove after all.
      }
    };
    for (const name of names) {
      const isEntry = EVICTABLE_ENTRY.test(name);
      const isIdentity = IDENTITY_FILE.test(name);
      if (!isEntry && !isIdentity && !EVICTABLE_TEMP.test(name)) continue;
      const file = join(this.dir, name);
      const info = lstatOrNull(file);
      if (info === null || !info.isFile()) continue;
      const ageMs = Date.now() - info.mtimeMs;
      const isRecord = isIdentity && !name.endsWith('.tmp');
      // A file's identity record (./identity.ts) counts as an entry, a small one, and goes too
      // when it was not written for a month (it is written when its file is hashed): it most
      // likely names a file that is gone. Temp files of both go when their writer is.
      if (isRecord && ageMs > IDENTITY_MAX_AGE_MS) remove(file, info.size);
      else if (isEntry || isRecord) entries.push({ file, size: info.size, usedMs: info.mtimeMs });
      else if (ageMs > STALE_TEMP_MS) remove(file, info.size);
    }
    let total = entries.reduce((n, e) => n + e.size, 0);
    entries.sort((a, b) => a.usedMs - b.usedMs);
    for (const entry of entries) {
      if (total <= maxBytes) break;
      if (entry.file === keep) continue;
      remove(entry.file, entry.size);
      total -= entry.size;
    }
    return { removed, byteLength };
  }

  /**
   * Opens `file` without following a symlink or waiting on a FIFO, and reads it
   * only if it is a regular file of a sane size: its header, then (`whole`) the
   * rest, once the size the header declares is the file's size. With `whole`,
   * the descriptor stays open in the result (the caller marks the use through it
   * and closes it); otherwise it is closed.
   * Synchronous, like the rest of a hit's path: node:fs/promises would load a
   * dozen Node modules, compiled from source under --no-liftoff (5-15 ms, more
   * than a small module's entry saves), and V8 deserializes the machine code on
   * this thread anyway.
   */
  private readEntry(file: string, whole: boolean): EntryFile {
    const opened = openCacheFile(file, Math.min(this.maxBytes, MAX_ENTRY_BYTES));
    if (opened.kind !== 'open') return opened;
    const { fd, info } = opened;
    let keepOpen = false;
    try {
      let bytes = readAt(fd, 0, Math.min(info.size, 16));
      let layout: ArtifactLayout;
      try {
        const needed = artifactHeaderLength(bytes) ?? bytes.length;
        if (needed > bytes.length) bytes = readAt(fd, 0, Math.min(info.size, needed));
        layout = readArtifactHeader(bytes);
      } catch (error) {
        return { kind: 'damaged', why: error instanceof Error ? error.message : String(error), info };
      }
      if (layout.byteLength !== info.size) {
        const why = `the file has ${info.size} bytes, its header declares ${layout.byteLength}`;
        return { kind: 'damaged', why, info };
      }
      if (!whole) return { kind: 'entry', layout, info, bytes, fd: null };
      const all = new Uint8Array(info.size);
      all.set(bytes);
      const rest = readAt(fd, bytes.length, info.size - bytes.length);
      all.set(rest, bytes.length);
      if (bytes.length + rest.length !== info.size) {
        return { kind: 'damaged', why: 'the file got shorter while it was read', info };
      }
      keepOpen = true;
      return { kind: 'entry', layout, info, bytes: all, fd };
    } catch (error) {
      return openFailure(error);
    } finally {
      if (!keepOpen) ignoreErrors(() => closeSync(fd));
    }
  }

  private notice(file: string, message: string): void {
    if (this.noticed.has(file)) return;
    this.noticed.add(file);
    this.onNotice(message);
  }

  private async drop(file: string, why: string): Promise<void> {
    const { unlink } = await fsp();
    this.notice(file, `cache: discarded ${basename(file)} (${why.split('\n')[0]})`);
    await unlink(file).catch(() => {});
  }
}

/** `lstat` of `file`, or null when it cannot be had (gone, unreadable directory). */
function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null;
  }
}

export interface CachedCompileOptions {
  /** The cache directory (see `defaultCacheDir`); null turns the cache off (`--no-cache`). */
  readonly dir: string | null;
  /** One-line notices for stderr (a discarded entry, a failed write). */
  readonly onNotice?: (message: string) => void;
  /** How to compile on a miss (defaults to `WebAssembly.compile`); the runtime's Module passes its tiering-aware compile. */
  readonly compile?: (wasm: Uint8Array) => Promise<WebAssembly.Module>;
  /**
   * In a process that starts functions in Liftoff, `save()` fills nothing when less
   * than this many milliseconds passed since the compile started (default
   * `MIN_RUN_MS`): V8 would have optimized nothing yet. Under --no-liftoff it does
   * not apply, since every function that ran is already optimized.
   */
  readonly minRunMs?: number;
  /** The cache's size limit in bytes (default `DEFAULT_CACHE_MAX_BYTES`). */
  readonly maxBytes?: number;
  /**
   * A module with less code than this (bytes of its code section; default
   * `MIN_CODE_BYTES`) is neither looked up nor stored: V8 compiles it on its
   * first calls faster than an entry loads.
   */
  readonly minCodeBytes?: number;
  /** Where the Wasm came from (a file name), recorded in the entry `save()` writes. */
  readonly source?: string | null;
  /**
   * When the compile began, if before this call (`nowMs()`'s clock, `process.hrtime`):
   * a component's core modules count its parse, which `minRunMs` includes.
   */
  readonly startedAtMs?: number;
  /**
   * The caller hands `wasm` over (it holds no other use for the bytes): on a hit its buffer is
   * detached once V8 has copied it (see `LoadOptions.releaseWasm`), and reads as empty after.
   * A hit's load then holds only V8's copies of the Wasm at its peak (three on V8 11), not one more.
   */
  readonly releaseWasm?: boolean;
  /**
   * Called once before a hit lets `wasm` go (`releaseWasm`): the caller's last chance to read
   * the bytes. Module parses them there, and on a miss while V8 compiles them instead.
   */
  readonly beforeRelease?: () => void;
}

/** Milliseconds on a monotonic clock. Not `performance.now()`: its first use loads perf_hooks (11 modules, ~1.5 ms). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * After a hit, the entry is rewritten only when V8 now holds more than this many times
 * the machine code it had: a few more tiered-up functions are not worth a rewrite.
 */
export const REFRESH_GROWTH = 1.25;

/**
 * Runs shorter than this (compile included), in a process that starts functions in
 * Liftoff, do not fill the cache: V8 tiers a function up only after it ran a while.
 */
export const MIN_RUN_MS = 50;

/**
 * Modules with less code than this skip the cache: V8 compiles their few functions
 * about as fast as an entry loads (the addon, the engine key, two hashes, a read and
 * V8's deserialization). Measured on Node 20 and 26 with `wasmer-ts run`: a C hello
 * world (3.5 KiB of code) ran as fast from its entry as without the cache, which is
 * where they break even, and its first run, which writes the entry, 8 ms slower; the
 * preview1 adapter in its component (6 KiB) saves its TurboFan compiles on every run.
 * It was 16 KiB while a lookup hashed with node:crypto, which loads in 10-20 ms under
 * --no-liftoff.
 */
export const MIN_CODE_BYTES = 4 * 1024;

export interface CachedCompile {
  readonly module: WebAssembly.Module;
  /** True when the module came from the cache with its machine code. */
  readonly fromCache: boolean;
  /** Call after the run: on a miss, fills the entry from the code V8 tiered up. Never rejects; idempotent. */
  save(): Promise<CacheFillResult>;
}

/**
 * Compiles `wasm` for `run`/`call` through the cache: a hit loads machine code,
 * a miss compiles normally and `save()` fills the entry after the run.
 */
export async function compileWithCache(wasm: Uint8Array, options: CachedCompileOptions): Promise<CachedCompile> {
  const compile = options.compile ?? defaultCompile;
  const started = options.startedAtMs ?? nowMs();
  const none = async () => NOTHING;
  const small = (codeSectionSize(wasm) ?? 0) < (options.minCodeBytes ?? MIN_CODE_BYTES);
  // Without the native addon an entry can be neither read nor filled: nothing to hash or look up.
  if (options.dir === null || small || !nativeStatus().available) {
    return { module: await compile(wasm), fromCache: false, save: none };
  }
  const cache = new ModuleCache(options.dir, {
    ...(options.onNotice === undefined ? {} : { onNotice: options.onNotice }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  // After the addon loaded: the hash is its BLAKE3 (hash.ts: 14 ms for clang's 72 MiB with AVX-512);
  // for a file read before under the same identity, the hash recorded then (./identity.ts).
  // The record is written where an entry is, after a hit or a fill: a cache that keeps no entry
  // for a small file (a limit too small, a run too short) keeps no record of it either. A big
  // one's is written by every `save()`, whatever it stored (RECORD_ALWAYS_BYTES).
  const identity = fileIdentityOf(wasm);
  const known = identity === null ? null : lookupHash(options.dir, identity);
  const wasmHash = known ?? blake3Hex(wasm);
  const dir = options.dir;
  const record = async (): Promise<void> => {
    if (identity !== null && known === null) await recordHash(dir, identity, wasmHash);
  };
  const recordAlways = wasm.byteLength >= RECORD_ALWAYS_BYTES;
  // What the entry records of the Wasm: for a big module (or one handed over, whose bytes a hit
  // detaches) taken now, so that `save()` holds no reference to the bytes, which the caller may
  // let go for the run (the CLI does, from 1 MiB: 72 MiB for clang); for a smaller one when
  // `save()` writes, which after a hit it seldom does (reading a 13 KiB adapter's facts took
  // 0.5 ms of a component's start).
  const releaseWasm = options.releaseWasm === true;
  const compiled = compiledRecord(wasm, wasmHash, releaseWasm);
  const hit = cache.has(wasm, wasmHash)
    ? await cache.get(wasm, wasmHash, {
        releaseWasm,
        ...(options.beforeRelease === undefined ? {} : { beforeRelease: options.beforeRelease }),
      })
    : null;
  const fromCache = hit?.usedMachineCode === true;
  if (fromCache) await record();
  const module = hit?.module ?? (await compile(wasm));
  // Under --no-liftoff every function that ran is TurboFan code: a run of any length has some to keep.
  const minRunMs = processTier() === 'optimizing' ? 0 : (options.minRunMs ?? MIN_RUN_MS);
  // A hit's entry is rewritten when this run tiered up clearly more than it holds (issue 10):
  // a first run of `--version` leaves next to nothing, and entries must not stay that way.
  const onlyIfMoreThan = fromCache ? Math.floor(hit.machineCodeByteLength * REFRESH_GROWTH) : undefined;
  // Not `options` itself in the closure: its `compile` (Module's) holds the bytes it compiled.
  const source = options.source ?? null;
  let saved: Promise<CacheFillResult> | undefined;
  const save = () => {
    if (saved === undefined) {
      if (nowMs() - started < minRunMs) saved = recordAlways ? record().then(none) : none();
      else {
        saved = cache
          .putCompiled(module, compiled, {
            source,
            ...(onlyIfMoreThan === undefined ? {} : { onlyIfMoreThan }),
          })
          .then(async (result) => {
            if (result.kind !== 'none' || recordAlways) await record();
            return result;
          });
      }
    }
    return saved;
  };
  compiledFrom.set(module, compiled);
  registerPendingSave(module, save);
  return { module, fromCache, save };
}

/** What `compileWithCache` records of the Wasm a module was compiled from (or loaded for). */
interface CompiledFrom extends WasmSummary {
  /** Their BLAKE3 hash, lowercase hex. */
  readonly hash: string;
}

/**
 * A module of this many bytes or more has its hash recorded (./identity.ts) after every run
 * that hashed it, not only after one that stored an entry: on Node 26, `clang --version`
 * tiers nothing up and stores nothing, and the next run hashed its 72 MiB again (40 ms,
 * SHA-NI) to miss again. Below it, hashing costs less than a record's write (1 MiB: 0.6 ms).
 */
export const RECORD_ALWAYS_BYTES = 1 << 20;

/** Modules of this many bytes or more have their facts read at once (see compileWithCache). */
const EAGER_FACTS_BYTES = 1 << 20;

function compiledRecord(wasm: Uint8Array, hash: string, eager: boolean): CompiledFrom {
  const byteLength = wasm.length;
  if (eager || byteLength >= EAGER_FACTS_BYTES) return { hash, byteLength, facts: readModuleFacts(wasm) };
  let facts: ModuleFacts | undefined;
  return {
    hash,
    byteLength,
    get facts() {
      facts ??= readModuleFacts(wasm);
      return facts;
    },
  };
}

/**
 * Modules `compileWithCache` compiled from the bytes it was given (or loaded from an
 * entry checked against them), with their hash: `put` of such a module with bytes of
 * that hash skips the check of V8's wire bytes against them.
 */
const compiledFrom = new WeakMap<WebAssembly.Module, CompiledFrom>();

/** Lowercase hex (as `blake3Hex` writes it) back to bytes. */
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
