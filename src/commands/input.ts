/**
 * The CLI's input layer: every command reads its input through `readInput`
 * (a file, stdin, a FIFO or device) and loads modules through `loadModule`
 * (compile, with the machine-code cache) or `readModuleBytes` (the Wasm binary
 * only, for `inspect`, `validate` and `compile`). Writing is output.ts.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readWithIdentity, rememberFileIdentity } from '../runtime/engine/cache/file-identity.js';
import { codeSectionSizeAt } from '../runtime/engine/module-facts.js';
import { type CompilerChoice, wantsEntryInlining } from '../runtime/engine/tiering.js';
import { InputError, WatError } from '../runtime/errors.js';
import { quoted } from '../runtime/kinds.js';
// No input needs more than V8 accepts: a pipe or device that goes on longer (`cat /dev/zero | ...`)
// is cut off there instead of filling the memory.
import { MAX_INPUT_BYTES } from '../runtime/parser/limits.js';
import { hasWasmMagic, isComponentHead } from '../runtime/parser/sniff.js';
import { formatSize } from './format.js';
import { cacheMaxBytesFrom } from './options.js';
import { printErr } from './print.js';
import { startProgress } from './progress.js';
import { InFile, Relaunched } from './report.js';

/** The name shown for an input in messages: the path as given, or `<stdin>` for `-`. */
export function inputLabel(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

/**
 * Reads a whole input file, or stdin for `-`.
 * @throws InputError ERR_INPUT_NOT_FOUND, ERR_INPUT_IS_DIRECTORY, ERR_INPUT_UNREADABLE or
 *   ERR_INPUT_EMPTY, each one line naming the path.
 */
export async function readInput(path: string): Promise<Uint8Array> {
  const bytes = path === '-' ? await readStdin() : await readPath(path);
  if (bytes.byteLength === 0) {
    throw new InputError(
      'ERR_INPUT_EMPTY',
      `${inputLabel(path)} is empty (0 bytes): expected a .wasm, .wat or compiled module`,
      path,
    );
  }
  return bytes;
}

async function readPath(path: string): Promise<Uint8Array> {
  let info: import('node:fs').Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw inputErrorFrom(error, path);
  }
  if (info.isDirectory()) {
    throw new InputError('ERR_INPUT_IS_DIRECTORY', `${inputLabel(path)} is a directory, not a module file`, path);
  }
  if (!info.isFile()) return readSpecial(path, info.isFIFO() ? 'FIFO' : 'device');
  if (info.size > MAX_INPUT_BYTES) throw tooLarge(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw inputErrorFrom(error, path);
  }
  try {
    // Sync: one file per command, and it skips the FileHandle machinery of fs/promises (start-up
    // time). With the file's identity, so that the cache can take its hash from an earlier run's.
    const { bytes, identity } = readWithIdentity(fd);
    if (identity !== null) rememberFileIdentity(bytes, identity);
    return bytes;
  } catch (error) {
    throw inputErrorFrom(error, path);
  } finally {
    closeSync(fd);
  }
}

/**
 * A FIFO, socket or device named as the input (`<(cat a.wasm)`, /dev/stdin, /dev/zero):
 * read as a stream, which stops as soon as the bytes cannot be a module any more (so
 * /dev/zero and /dev/urandom end at once with the parser's error) or pass MAX_INPUT_BYTES.
 * A FIFO waits for its writer, as `cat` does; on a terminal a note says so after a second.
 */
async function readSpecial(path: string, kind: 'FIFO' | 'device'): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  const { isatty } = await import('node:tty');
  const notice =
    kind === 'FIFO' && process.stderr.isTTY
      ? setTimeout(() => printErr(`note: waiting for something to write ${path} (a FIFO)\n`), 1000)
      : undefined;
  notice?.unref();
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw inputErrorFrom(error, path);
  } finally {
    clearTimeout(notice);
  }
  try {
    if (isatty(handle.fd)) {
      throw new InputError('ERR_INPUT_UNREADABLE', `${path} is a terminal: pass a module file or pipe one in`, path);
    }
    return await readStream(handle.createReadStream({ autoClose: false }), path);
  } finally {
    await handle.close().catch(() => {});
  }
}

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new InputError(
      'ERR_INPUT_UNREADABLE',
      'stdin is a terminal: pipe a module in (`wasmer-ts validate - < add.wasm`) or pass a file',
      '-',
    );
  }
  return readStream(process.stdin, '-');
}

/** Reads a stream to its end, or until its bytes cannot be a module (see `stillPlausible`). */
async function readStream(source: AsyncIterable<Buffer>, path: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  const { formatPrefixCheck } = await import('../runtime/parser/sniff.js');
  const plausible = formatPrefixCheck();
  try {
    for await (const chunk of source) {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) throw tooLarge(path);
      if (!plausible(chunk)) break;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw inputErrorFrom(error, path);
  }
  const buffer = Buffer.concat(chunks);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function tooLarge(path: string): InputError {
  return new InputError(
    'ERR_INPUT_TOO_LARGE',
    `${inputLabel(path)} is larger than ${MAX_INPUT_BYTES / 1024 ** 3} GiB, more than V8 accepts for a module`,
    path,
  );
}

function inputErrorFrom(error: unknown, path: string): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const label = inputLabel(path);
  switch (code) {
    case 'ENOENT':
      return new InputError('ERR_INPUT_NOT_FOUND', `${label}: no such file`, path, { cause: error });
    case 'ENOTDIR':
      return new InputError('ERR_INPUT_NOT_FOUND', `${label}: no such file (a parent is not a directory)`, path, {
        cause: error,
      });
    case 'EISDIR':
      return new InputError('ERR_INPUT_IS_DIRECTORY', `${label} is a directory, not a module file`, path, {
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new InputError('ERR_INPUT_UNREADABLE', `${label}: permission denied`, path, { cause: error });
    default:
      return new InputError(
        'ERR_INPUT_UNREADABLE',
        `${label}: cannot read (${code ?? (error instanceof Error ? error.message : String(error))})`,
        path,
        { cause: error },
      );
  }
}

/** Options of every command that loads a module (see options.ts). */
export interface LoadOptions {
  readonly compiler?: CompilerChoice;
  /** `--cache-dir`; `null` when not given: $XDG_CACHE_HOME/wasmer-ts or ~/.cache/wasmer-ts. */
  readonly cacheDir?: string | null;
  /** `--no-cache`. */
  readonly cache?: boolean;
  /** `--cache-max-size`; null or absent: WASMER_TS_CACHE_MAX_SIZE, else the default (2 GiB). */
  readonly cacheMaxBytes?: number | null;
}

/**
 * Reads `path` and compiles it: a `.wasm`, `.wat` text, or an artifact from
 * `compile` (Module.from sniffs which). Errors are wrapped in `InFile` so the
 * reporter names the file; their exit code stays the wrapped error's.
 */
export async function loadModule(path: string, options: LoadOptions = {}) {
  await relaunchIfWanted(path, options);
  return compileModule(path, await readInput(path), options);
}

/**
 * The launcher started Node for TurboFan; a big module or an artifact wants other flags.
 * Decided before the file is read, from its section headers: a process that relaunches reads
 * no more. A component's headers do not read as a module's: it never relaunches.
 */
async function relaunchIfWanted(path: string, options: LoadOptions): Promise<void> {
  const { relaunchIfNeeded } = await import('./relaunch.js');
  const status = await relaunchIfNeeded(path, options.compiler ?? 'auto');
  if (status !== null) throw new Relaunched(status);
}

/**
 * Reads `path` and loads what it holds: a component (`\0asm` with the component
 * version), its core modules compiled through the machine-code cache as a module
 * is, or else a module, as `loadModule` does. Errors are wrapped in `InFile` as there.
 */
export async function loadModuleOrComponent(
  path: string,
  options: LoadOptions = {},
): Promise<import('../runtime/module.js').Module | import('../runtime/component/component.js').Component> {
  await relaunchIfWanted(path, options);
  const bytes = await readInput(path);
  if (!isComponentHead(bytes)) return compileModule(path, bytes, options);
  // No Wasm inlining for a component (Node 20): a C hello world adapted with jco's preview1
  // adapter ran its wasi:cli/run in 30-43 ms with it, 18 ms without (TurboFan compiling the
  // adapter's functions on first call, 7x the code with inlining).
  inliningDecided = true;
  const { compileComponent } = await import('../runtime/component/component.js');
  const label = inputLabel(path);
  const { cacheDir, cacheMaxBytes } = await cacheOptions(options);
  const stop = compileProgress(label, bytes);
  try {
    if (cacheDir === null) return await compileComponent(bytes, (wasm) => WebAssembly.compile(wasm));
    // Each core module through the machine-code cache, keyed by its own bytes as a module is
    // (so jco's preview1 adapter is one entry for every program it adapted), under the same
    // rules: modules with less code than MIN_CODE_BYTES skip it (a hello world's own and the adapter's two glue modules do).
    const { compileWithCache, nowMs } = await import('../runtime/engine/cache/index.js');
    const startedAtMs = nowMs();
    const onNotice = (message: string) => printErr(`note: ${message}\n`);
    return await compileComponent(
      bytes,
      async (wasm) => {
        const cached = await compileWithCache(wasm, {
          dir: cacheDir,
          startedAtMs,
          onNotice,
          source: path === '-' ? null : resolve(path),
          ...(cacheMaxBytes === null ? {} : { maxBytes: cacheMaxBytes }),
        });
        process.once('beforeExit', () => void cached.save());
        return cached.module;
      },
      await parseCacheFor(cacheDir, cacheMaxBytes, onNotice),
    );
  } catch (error) {
    throw loadError(label, bytes, error);
  } finally {
    stop();
  }
}

/**
 * The parse cache (engine/cache/parse-cache.ts) in `dir`, or null: in a build without
 * a stamp, or without the native addon, whose BLAKE3 keys it (the JavaScript one runs
 * interpreted in a cold process) and whose access to V8's serializer writes and reads
 * its entries.
 */
async function parseCacheFor(
  dir: string,
  maxBytes: number | null,
  onNotice: (message: string) => void,
): Promise<import('../runtime/engine/cache/parse-cache.js').ParseCache | null> {
  const { ParseCache, parseCacheStamp } = await import('../runtime/engine/cache/parse-cache.js');
  const { nativeSerializer } = await import('../runtime/engine/native.js');
  const stamp = parseCacheStamp();
  const v8 = nativeSerializer();
  if (stamp === null || v8 === null) return null;
  return new ParseCache(dir, { stamp, v8, onNotice, ...(maxBytes === null ? {} : { maxBytes }) });
}

/**
 * Binaries under this size get no spinner (progress.ts): V8's lazy compile of one takes
 * milliseconds, and the spinner's timer cost 0.3 ms of every start on Node 20 (Node's timers
 * are set up on first use). Text goes through wabt, whose load alone can take a second.
 */
const QUIET_COMPILE_MAX_BYTES = 1 << 20;

/** The spinner of a compile of `bytes`, or none for a small binary. Returns what stops it. */
function compileProgress(label: string, bytes: Uint8Array): () => void {
  if (bytes.byteLength < QUIET_COMPILE_MAX_BYTES && hasWasmMagic(bytes)) return () => {};
  return startProgress(`compiling ${label} (${formatSize(bytes.byteLength)})`);
}

/** Inputs of at least this many bytes let their copy go once compiled (1 MiB: clang's is 72). */
const RELEASE_BYTES_MIN = 1 << 20;

/**
 * Tells V8 that the CLI is loading a big module (the native addon's setLoading), which V8 ends
 * by itself 7 s later: it then lets its old generation grow past its limit before collecting.
 * V8 11 (Node 20) gives a JS heap of our size (6-7 MB) a limit a few hundred KB above its live
 * objects, and instantiating clang and its first seconds made it mark-compact on allocation
 * failure 8-18 times (`clang++ -c`, 6-110 ms of pauses), where node:wasi, whose host holds less
 * JavaScript, had 3-5: in loading mode, 3 (4-9 ms). For the CLI alone: the process is its own.
 */
async function markLoading(): Promise<void> {
  const { nativeAddon } = await import('../runtime/engine/native.js');
  nativeAddon()?.setLoading?.(true);
}

let inliningDecided = false;

/**
 * Turns on Wasm inlining for this process when tiering.ts's `wantsEntryInlining` says so
 * for the first input it compiles (V8 11 only), and never later: V8's flags must not
 * change once Wasm has been compiled. Recorded in `process.execArgv`, so that the engine
 * fingerprint of cache entries and artifacts sees it as a start-up flag. Where the CLI
 * runs from its bundle with the addon, bin/bundle-loader.js turned it on before loading
 * (the flag is then in execArgv, and this does nothing); here it is the executable, the
 * unbundled CLI, or no addon. bin/bundle-loader.js is told first: V8 refuses a code cache
 * made under other flags than a start's, so it writes its cache of the CLI now.
 */
async function inlineIfWanted(codeByteLength: number | null): Promise<void> {
  if (inliningDecided) return;
  inliningDecided = true;
  if (!wantsEntryInlining(codeByteLength)) return;
  const { setV8FlagsBeforeCompile } = await import('./relaunch.js');
  await setV8FlagsBeforeCompile(['--wasm-inlining']);
  process.execArgv.push('--wasm-inlining');
}

/** Compiles the module in `bytes`, read from `path` for it alone (the module takes them, no copy). */
async function compileModule(path: string, bytes: Uint8Array, options: LoadOptions) {
  // A binary's code section, or for text (and an artifact) its length: never less than the code it holds.
  await inlineIfWanted(
    hasWasmMagic(bytes)
      ? codeSectionSizeAt((at, length) => bytes.subarray(at, at + length), bytes.byteLength)
      : bytes.byteLength,
  );
  // module.js, not index.js: the public index also loads WASI and the cache, which this path may not need.
  // The bytes were read for this module alone, so it takes them instead of a copy (72 MiB for clang).
  const moduleJs = await import('../runtime/module.js');
  const label = inputLabel(path);
  // The machine-code cache (issue 5): on by default, --no-cache turns it off. A
  // miss is filled when the command is over (beforeExit), so no run waits for it.
  const { cacheDir, cacheMaxBytes } = await cacheOptions(options);
  const stop = compileProgress(label, bytes);
  // Only a big module lets its copy of the bytes go (below); a cache hit of one lets them go
  // even sooner, as V8 copies them (moduleFromOwnedBytes's `release`), which keeps that copy
  // out of the hit's peak RSS (V8 holds its own three while it loads, on Node 20). `bytes`
  // reads as empty after such a hit.
  const release = bytes.byteLength >= RELEASE_BYTES_MIN;
  if (release) await markLoading();
  try {
    const module = await moduleJs.moduleFromOwnedBytes(
      bytes,
      {
        ...(options.compiler === undefined ? {} : { compiler: options.compiler }),
        cacheDir,
        cacheSource: path === '-' ? null : resolve(path),
        ...(cacheMaxBytes === null ? {} : { cacheMaxBytes }),
        onNotice: (message) => printErr(`note: ${message}\n`),
      },
      { release },
    );
    if (cacheDir !== null) {
      const { saveToCache } = await import('../runtime/engine/cache/registry.js');
      process.once('beforeExit', () => void saveToCache(module.raw));
    }
    // Nothing after this needs our copy of the bytes (V8 has its own, and the cache took what its
    // entry records): letting it go keeps it out of the run's peak RSS, as plain node:wasi does.
    // Only for a big module: a module can let them go only where the native addon can copy them
    // back out of V8, and loading the addon costs a small module's run more than its bytes weigh
    // (the standalone executable writes it out and checks its hash first).
    if (release) module[moduleJs.RELEASE_BYTES]();
    return module;
  } catch (error) {
    throw loadError(label, bytes, error);
  } finally {
    stop();
  }
}

/** The cache directory (null: --no-cache) and size limit (null: the default) of a command that loads a module. */
async function cacheOptions(options: LoadOptions): Promise<{ cacheDir: string | null; cacheMaxBytes: number | null }> {
  // registry.js, not index.js: Module.from loads the cache itself when it uses it.
  const { defaultCacheDir } = await import('../runtime/engine/cache/registry.js');
  const cacheDir = options.cache === false ? null : (options.cacheDir ?? defaultCacheDir(process.env));
  // A bad WASMER_TS_CACHE_MAX_SIZE is a usage error (exit 2), as a bad flag is; --no-cache ignores it.
  const cacheMaxBytes = cacheDir === null ? null : cacheMaxBytesFrom(options.cacheMaxBytes, process.env);
  return { cacheDir, cacheMaxBytes };
}

/** The Wasm binary behind an input, without compiling it (for `inspect` and `validate`). */
export interface ModuleBytes {
  /** The Wasm binary: the file itself, the .wat converted, or the artifact's embedded module. */
  readonly wasm: Uint8Array;
  readonly format: 'wasm' | 'wat' | 'artifact';
  /** Size of the input as read. */
  readonly inputSize: number;
  /** The verified artifact header, for `format: 'artifact'`. */
  readonly artifact: import('../runtime/engine/artifact.js').LenientDecodedArtifact | null;
}

/**
 * Reads `path` and returns the Wasm binary in it, sniffing the format:
 * `\0asm` is a binary (even a truncated one), the artifact magic an artifact,
 * valid UTF-8 text is .wat; anything else is handed to the parser as a binary,
 * which rejects it with its byte offset.
 * @throws InputError (unreadable), ArtifactError, WatError: wrapped in `InFile`.
 */
export async function readModuleBytes(path: string): Promise<ModuleBytes> {
  const bytes = await readInput(path);
  const label = inputLabel(path);
  try {
    const { sniff } = await import('../runtime/parser/sniff.js');
    const { format, text } = sniff(bytes);
    if (format === 'artifact') {
      const { decodeArtifact } = await import('../runtime/engine/artifact.js');
      const artifact = decodeArtifact(bytes, { allowDamagedMachineCode: true });
      return { wasm: artifact.wasm, format: 'artifact', inputSize: bytes.byteLength, artifact };
    }
    if (text === null) return { wasm: bytes, format: 'wasm', inputSize: bytes.byteLength, artifact: null };
    const { watToWasm } = await import('../runtime/wat.js');
    const wasm = await watToWasm(text, label);
    return { wasm, format: 'wat', inputSize: bytes.byteLength, artifact: null };
  } catch (error) {
    throw loadError(label, bytes, error);
  }
}

/**
 * `error`, met loading the input `label` whose bytes are `bytes`, wrapped in `InFile`.
 * A file named `.wasm` that is not a binary (no `\0asm`) but text was read as
 * WebAssembly text; when that fails too, the message says first what the user
 * expected and did not get: `prog.wasm is not a WebAssembly binary (it starts
 * with "hello"); read as text, it is invalid WebAssembly text: ...`.
 */
export function loadError(label: string, bytes: Uint8Array, error: unknown): InFile {
  if (!(error instanceof WatError) || !/\.wasm$/i.test(label)) return new InFile(label, error);
  const message = `${label} is not a WebAssembly binary (it starts with ${textPreview(bytes)}); read as text, it is ${error.message}`;
  return new InFile(label, new WatError(message, { cause: error }), { isBare: true });
}

/** The start of a text file's first non-blank line, quoted: `"hello world"`, `"(module (func…"`. */
function textPreview(bytes: Uint8Array): string {
  const head = new TextDecoder().decode(bytes.subarray(0, 200)).trimStart();
  const line = head.split(/\r?\n/, 1)[0] ?? '';
  return line.length > PREVIEW_LENGTH ? `${quoted(line.slice(0, PREVIEW_LENGTH))}…` : quoted(line);
}

const PREVIEW_LENGTH = 24;
