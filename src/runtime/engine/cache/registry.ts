/**
 * The light end of the cache, kept apart from ./index.ts so that a command
 * which ends up not using the cache never loads it (nor node:crypto, the
 * artifact code or the native addon): where the cache lives, and the saves
 * pending after a run.
 */
import type * as NodeOs from 'node:os';
import { isAbsolute, join } from 'node:path';
import { requireBuiltin } from '../../builtin.js';
import { describe } from '../../describe.js';
import { ArgumentError } from '../../errors.js';

/**
 * `$XDG_CACHE_HOME/wasmer-ts`, else `~/.cache/wasmer-ts`. Takes the environment
 * as an argument (the CLI passes `process.env`) because the library never reads it.
 */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (typeof env !== 'object' || env === null) {
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      `defaultCacheDir: expected an environment object such as process.env, got ${describe(env)}`,
    );
  }
  const xdg = env.XDG_CACHE_HOME;
  // node:os only without HOME: a start does not load it for this (see commands/print.ts for why that counts).
  const home = env.HOME ?? requireBuiltin<typeof NodeOs>('node:os').homedir();
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(base, 'wasmer-ts');
}

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

export const NOTHING_SAVED: CacheFillResult = { kind: 'none', machineCodeByteLength: 0 };

// Modules compiled through the cache on a miss, so `saveToCache` can find their entry.
const pendingSaves = new WeakMap<WebAssembly.Module, () => Promise<CacheFillResult>>();

/** Called by `compileWithCache` on a miss. */
export function registerPendingSave(module: WebAssembly.Module, save: () => Promise<CacheFillResult>): void {
  pendingSaves.set(module, save);
}

/**
 * After a run: fills the cache entry for a module that `compileWithCache` (or
 * `Module.from` with `cacheDir`) compiled on a miss. Resolves to what it did
 * (`kind: 'none'` on a hit, with the cache off, or for an unknown module). Never rejects.
 */
export function saveToCache(module: WebAssembly.Module): Promise<CacheFillResult> {
  return pendingSaves.get(module)?.() ?? Promise.resolve(NOTHING_SAVED);
}
