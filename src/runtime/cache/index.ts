/**
 * The automatic on-disk cache of compiled modules used by `run` and `call`.
 *
 * An entry is an artifact (../artifact.ts) holding the Wasm and V8's machine
 * code, in `<dir>/<wasm sha256>-<engine hash>.wasmu`, so a different Node, V8,
 * CPU, flag set or wasmer-ts version simply looks up another key. Entries are
 * written to a temporary file and renamed, so a concurrent reader sees a whole
 * entry or none. A corrupt or refused entry is a miss and is deleted. No cache
 * operation ever throws: a cache failure must never fail a command.
 *
 * When it is filled: after a run that missed (`CachedCompile.save()`), from
 * the code V8 optimized during that run, serialized in process: one
 * serialization, no extra compile, nothing left running after the command.
 * V8 has no on-stack replacement for Wasm, but a function whose tier-up budget
 * ran out is recompiled by TurboFan in the background even while its first
 * (and only) call keeps running in Liftoff code, so even a single long call
 * leaves its TurboFan code behind. Measured (bench/suites/cache.js and one-call
 * runs of the SHA-256 kernel): the next run starts as fast as from an eager
 * `compile` (24-31 ms vs 28-31 ms; 60-120 ms cold), and the entry held all
 * 3 KiB / 5.7 MiB of code an eager compile produces. Functions that never got
 * hot are missing; they start in Liftoff and tier up as usual.
 * A run shorter than `MIN_RUN_MS` (compile included) fills nothing: it has
 * at most that much to gain, and nothing would be optimized yet anyway.
 */
import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { currentEngine, encodeArtifact, readArtifact, sha256Hex } from '../artifact.js';
import { defaultCompile, loadReadArtifact, serializeMachineCode } from './machine-code.js';
import { nativeStatus } from './native.js';
import { NOTHING_SAVED as NOTHING, registerPendingSave } from './registry.js';

export { defaultCacheDir, saveToCache } from './registry.js';

export const CACHE_EXTENSION = '.wasmu';

/**
 * The names the cache writes end in `-<engine key>.wasmu` (`<wasm sha256>-<16 hex>.wasmu`),
 * and its temp files are such a name plus `.<...>.tmp`. `ls` and `clean` touch nothing
 * else, so `--cache-dir .` never lists or deletes a user's own `app.wasmu` or `x.tmp`.
 */
const ENTRY_NAME = /-[0-9a-f]{16}\.wasmu$/;
const TEMP_NAME = /-[0-9a-f]{16}\.wasmu\..+\.tmp$/;

/** What `save()` did. */
export interface CacheFillResult {
  /**
   * `tiered`: the code V8 tiered up, stored now; `none`: nothing to store. (There is no
   * eager fill: an eager compile needs other V8 flags, and V8 refuses code made under
   * other flags than the reader's, tiering.ts.)
   */
  readonly kind: 'tiered' | 'none';
  /** Machine-code bytes stored now (0 for `none`). */
  readonly machineCodeByteLength: number;
}

/** A short hash of everything machine code depends on (this process's V8 flags included). */
export function engineKey(engine = currentEngine()): string {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(engine))).slice(0, 16);
}

/**
 * The keys this Node, V8, CPU and wasmer-ts write under in each compile mode
 * (tiering.ts): `cache ls` runs with other flags than the `run`s that filled
 * the cache, and their entries are this engine's all the same.
 */
export function engineKeysOfAnyTier(): string[] {
  const here = currentEngine();
  const rest = here.flagFingerprint.slice(here.flagFingerprint.indexOf('/'));
  return (['baseline', 'optimizing', 'eager'] as const).map((mode) =>
    engineKey({ ...here, flagFingerprint: `${mode}${rest}` }),
  );
}

export interface CacheEntry {
  readonly key: string;
  readonly file: string;
  readonly byteLength: number;
  readonly modified: Date;
  readonly wasmSha256: string | null;
  readonly wasmByteLength: number | null;
  readonly machineCodeByteLength: number | null;
  /** False when the file is damaged or not an artifact (the next lookup deletes it). */
  readonly valid: boolean;
  /** True when the entry was written by this engine (Node, V8, CPU, flags, wasmer-ts). */
  readonly isCurrentEngine: boolean;
}

export interface CacheHit {
  readonly module: WebAssembly.Module;
  /** False when V8 refused the entry's code (the entry is then deleted and the Wasm compiled). */
  readonly usedMachineCode: boolean;
}

/** A directory of cached modules. Every method swallows I/O errors (reported through `onNotice`). */
export class ModuleCache {
  readonly dir: string;
  private readonly onNotice: (message: string) => void;

  constructor(dir: string, options: { onNotice?: (message: string) => void } = {}) {
    this.dir = dir;
    this.onNotice = options.onNotice ?? (() => {});
  }

  /** The file an entry for `wasm` has in this process. */
  fileFor(wasm: Uint8Array, wasmSha256: string = sha256Hex(wasm)): string {
    return path.join(this.dir, `${wasmSha256}-${engineKey()}${CACHE_EXTENSION}`);
  }

  /** Whether an entry for `wasm` exists (one stat; it may still turn out damaged or refused). */
  has(wasm: Uint8Array, wasmSha256: string = sha256Hex(wasm)): boolean {
    try {
      return statSync(this.fileFor(wasm, wasmSha256), { throwIfNoEntry: false }) !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * The cached module for `wasm`, or null on a miss. A damaged entry, one for
   * other Wasm bytes, or one V8 refuses, is deleted and counts as a miss.
   */
  async get(wasm: Uint8Array, wasmSha256: string = sha256Hex(wasm)): Promise<CacheHit | null> {
    const file = this.fileFor(wasm, wasmSha256);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch {
      return null;
    }
    try {
      const read = readArtifact(bytes);
      if (read.header.wasmSha256 !== wasmSha256 || read.machineCode === null) {
        throw new Error('the entry does not hold machine code for these Wasm bytes');
      }
      const loaded = await loadReadArtifact(read);
      if (!loaded.usedMachineCode) {
        await this.drop(file, loaded.notice ?? 'V8 refused its machine code');
        return { module: loaded.module, usedMachineCode: false };
      }
      return { module: loaded.module, usedMachineCode: true };
    } catch (error) {
      await this.drop(file, error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  /**
   * Stores V8's current machine code for `module` (compiled from `wasm`): after
   * a run, the functions it tiered up. `kind: 'none'` when there was nothing to
   * store (no addon, nothing optimized yet) or the write failed.
   */
  async put(
    module: WebAssembly.Module,
    wasm: Uint8Array,
    wasmSha256: string = sha256Hex(wasm),
  ): Promise<CacheFillResult> {
    try {
      const machineCode = serializeMachineCode(module, wasm);
      if (machineCode === null || machineCode.length === 0) return NOTHING;
      await this.write(this.fileFor(wasm, wasmSha256), encodeArtifact({ wasm, machineCode }));
      return { kind: 'tiered', machineCodeByteLength: machineCode.length };
    } catch (error) {
      this.onNotice(`cache: could not save to ${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
      return NOTHING;
    }
  }

  /** Writes a whole artifact as the entry for its Wasm (atomically: temp file, then rename). */
  async write(file: string, artifact: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // node:crypto only here: a lookup hashes in JS (./sha256.ts) and never loads it.
    const { randomBytes } = await import('node:crypto');
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, artifact, { mode: 0o644 });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
  }

  /** Every entry, newest first. Missing directory = empty list. */
  async list(): Promise<CacheEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const current = engineKeysOfAnyTier();
    const entries: CacheEntry[] = [];
    for (const name of names) {
      if (!ENTRY_NAME.test(name)) continue;
      const file = path.join(this.dir, name);
      try {
        const [info, bytes] = await Promise.all([stat(file), readFile(file)]);
        const key = name.slice(0, -CACHE_EXTENSION.length);
        let header = null;
        try {
          header = readArtifact(new Uint8Array(bytes)).header;
        } catch {
          header = null;
        }
        entries.push({
          key,
          file,
          byteLength: info.size,
          modified: info.mtime,
          wasmSha256: header?.wasmSha256 ?? null,
          wasmByteLength: header?.wasmByteLength ?? null,
          machineCodeByteLength: header?.machineCodeByteLength ?? null,
          valid: header !== null && key.startsWith(header.wasmSha256),
          isCurrentEngine: current.some((k) => key.endsWith(`-${k}`)),
        });
      } catch {
        // Removed by a concurrent clean: skip it.
      }
    }
    return entries.sort((a, b) => b.modified.getTime() - a.modified.getTime());
  }

  /** Deletes every entry (and stray temp files). Returns how many files and bytes were freed. */
  async clean(): Promise<{ removed: number; byteLength: number }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return { removed: 0, byteLength: 0 };
    }
    let removed = 0;
    let byteLength = 0;
    for (const name of names) {
      if (!ENTRY_NAME.test(name) && !TEMP_NAME.test(name)) continue;
      const file = path.join(this.dir, name);
      try {
        const { size } = await stat(file);
        await unlink(file);
        removed++;
        byteLength += size;
      } catch {
        // Already gone.
      }
    }
    return { removed, byteLength };
  }

  private async drop(file: string, why: string): Promise<void> {
    this.onNotice(`cache: discarded ${path.basename(file)} (${why.split('\n')[0]})`);
    await unlink(file).catch(() => {});
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
   * `save()` fills nothing when less than this many milliseconds passed since
   * the compile started (default `MIN_RUN_MS`): such a run has little to gain,
   * and a tiny module called once should not cost a background compile.
   */
  readonly minRunMs?: number;
}

/** Milliseconds on a monotonic clock. Not `performance.now()`: its first use loads perf_hooks (11 modules, ~1.5 ms). */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs shorter than this (compile included) do not fill the cache: at most this much could be saved. */
export const MIN_RUN_MS = 50;

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
  const started = nowMs();
  const none = async () => NOTHING;
  if (options.dir === null) return { module: await compile(wasm), fromCache: false, save: none };
  const cache = new ModuleCache(options.dir, options.onNotice === undefined ? {} : { onNotice: options.onNotice });
  const wasmSha256 = sha256Hex(wasm);
  // A miss, the usual case for a module whose runs are short (they fill nothing), costs one
  // stat: the native addon (0.5-5 ms to load) is needed only to read an entry or to fill one.
  // There is no size threshold below which the lookup is skipped: with the key hashed in JS
  // (./sha256.ts) and no addon or node:crypto loaded, a miss costs 1-2 ms and a hit on a
  // 136-byte module measured as fast as a miss, while an entry can save a small module at
  // most its lazy TurboFan compiles (~1 ms per KiB of code run). README: "the cache".
  const hit = cache.has(wasm, wasmSha256) && nativeStatus().available ? await cache.get(wasm, wasmSha256) : null;
  if (hit?.usedMachineCode) return { module: hit.module, fromCache: true, save: none };
  const module = hit?.module ?? (await compile(wasm));
  const minRunMs = options.minRunMs ?? MIN_RUN_MS;
  let saved: Promise<CacheFillResult> | undefined;
  const save = () => {
    if (saved === undefined) {
      if (nowMs() - started < minRunMs || !nativeStatus().available) saved = none();
      else saved = cache.put(module, wasm, wasmSha256);
    }
    return saved;
  };
  registerPendingSave(module, save);
  return { module, fromCache: false, save };
}
