/**
 * The standalone executable's `Embedding` (engine/paths.ts): what the npm
 * package finds in its files, this one finds in itself. Built by
 * scripts/build-exe.js, which fixes the constants declared below at bundle time.
 *
 * - Node flags: a single executable application gives every argument to the
 *   program, so the flags it starts with are fixed in it (`BAKED_FLAGS`:
 *   TurboFan on first call, what `run` and `call` want), and a child that needs
 *   others gets them through `--node-options=` (the executable is built with
 *   `execArgvExtension: "cli"`). A baked flag the child must not have is
 *   turned back (`--liftoff` after the baked `--no-liftoff`): V8 hashes only the
 *   flags that differ from its defaults, so machine code still matches.
 *   (The `__WASMER_TS_…__` constants are read only inside functions: tests
 *   import this module unbundled, where they do not exist.)
 * - Scripts: there are no files to start, so a child process is this
 *   executable with a role in its environment (`WASMER_TS_ROLE`, read and removed
 *   by main.ts), and a worker runs the worker bundle's source (an asset).
 * - The native addon is an asset, written to a private directory on first use
 *   (addon.ts).
 */
import type { Embedding, ScriptLaunch } from '../runtime/engine/paths.js';
import { extractAddon } from './addon.js';
import { sea } from './sea.js';

declare const __WASMER_TS_VERSION__: string;
declare const __WASMER_TS_BAKED_FLAGS__: readonly string[];
declare const __WASMER_TS_ADDON_SHA256__: string | null;

/** The environment variable that tells a child of ours which script it is. */
export const ROLE_ENV = 'WASMER_TS_ROLE';

/** The assets build-exe.js puts in the executable. */
export const ASSETS = { worker: 'worker.cjs', addon: 'wasmer_ts_native.node', runner: 'exe-runner.cjs' } as const;

/** `--no-x` for `--x` and the reverse: the boolean flag that undoes `flag`. */
function negation(flag: string): string {
  return flag.startsWith('--no-') ? `--${flag.slice(5)}` : `--no-${flag.slice(2)}`;
}

/**
 * The `--node-options=` value that turns the baked flags into exactly `flags`:
 * each baked flag `flags` lacks is undone, then `flags` follow. Quoted the way
 * Node reads NODE_OPTIONS when a flag holds a space or a quote.
 */
export function nodeOptionsFor(flags: readonly string[], baked: readonly string[]): string {
  const words = [...baked.filter((f) => !flags.includes(f)).map(negation), ...flags];
  return words.map((w) => (/[\s"\\]/.test(w) ? `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"` : w)).join(' ');
}

function launch(script: string | null, nodeFlags: readonly string[], args: readonly string[]): ScriptLaunch {
  const options = nodeOptionsFor(nodeFlags, __WASMER_TS_BAKED_FLAGS__);
  return {
    command: process.execPath,
    args: [...(options === '' ? [] : [`--node-options=${options}`]), ...args],
    env: script === null ? {} : { [ROLE_ENV]: script },
  };
}

function workerSource(script: string): string {
  if (script !== 'program/worker.js') throw new Error(`the executable has no worker script ${script}`);
  return sea().getAsset(ASSETS.worker, 'utf8');
}

export function standaloneEmbedding(): Embedding {
  return {
    version: __WASMER_TS_VERSION__,
    nativeAddonPath: () =>
      __WASMER_TS_ADDON_SHA256__ === null
        ? { reason: 'this executable was built without the native addon' }
        : extractAddon(
            () => new Uint8Array(sea().getRawAsset(ASSETS.addon) as ArrayBuffer),
            __WASMER_TS_ADDON_SHA256__,
          ),
    workerSource,
    distFile: (relative) =>
      relative === 'exe/runner.cjs' ? new Uint8Array(sea().getRawAsset(ASSETS.runner) as ArrayBuffer) : null,
    launch,
  };
}
