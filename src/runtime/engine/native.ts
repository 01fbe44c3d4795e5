/**
 * Lazy access to the optional native addon (native/, built at install time by
 * scripts/build-native.js). Its absence is normal: every caller falls back to
 * ordinary compilation.
 *
 * `WASMER_TS_NATIVE=0` in the environment disables it. This is read here,
 * against the library's no-env rule, because it must also reach worker threads
 * and child processes started by the runtime, and tests use it to exercise the
 * fallback path end to end.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { NATIVE_ADDON_PATH } from './paths.js';

/** The addon's functions (see native/src/addon.cc). */
export interface NativeAddon {
  /** V8's serialized machine code for `module`, or null when V8 has nothing optimized to serialize. */
  serialize(module: WebAssembly.Module): Uint8Array | null;
  /** The Wasm bytes V8 compiled `module` from. */
  wireBytes(module: WebAssembly.Module): Uint8Array;
  /**
   * Queues a cached load for `WebAssembly.compileStreaming(marker)`; true, or why it cannot. Once the
   * load ran, `marker.accepted` says whether V8 took the code: on V8 14 (`api` 'ModuleCachingCallback')
   * that it deserialized it; before (`api` 'SetCompiledModuleBytes') that it accepted the code's header.
   */
  arm(marker: object, wasm: Uint8Array, code: Uint8Array): true | string;
  disarm(marker: object): void;
  status(): {
    loader: boolean;
    reason: string | null;
    v8: string;
    /** The include/v8-wasm.h API the loader was built against (see native/src/addon.cc). */
    api: 'SetCompiledModuleBytes' | 'ModuleCachingCallback';
  };
}

export interface NativeStatus {
  /** True when machine code can be both saved and loaded in this process. */
  readonly available: boolean;
  /** Why not, when `available` is false. */
  readonly reason: string | null;
  /** Where the addon was looked for. */
  readonly path: string;
}

const ADDON_PATH = NATIVE_ADDON_PATH;

let loaded: { addon: NativeAddon | null; status: NativeStatus } | undefined;

function load(): { addon: NativeAddon | null; status: NativeStatus } {
  if (loaded !== undefined) return loaded;
  const fail = (reason: string) => ({ addon: null, status: { available: false, reason, path: ADDON_PATH } });
  if (process.env.WASMER_TS_NATIVE === '0') {
    loaded = fail('disabled by WASMER_TS_NATIVE=0');
  } else if (!existsSync(ADDON_PATH)) {
    loaded = fail('the native addon is not built (npm rebuild wasmer-ts, with a C++ compiler installed)');
  } else {
    try {
      const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
      const status = addon.status();
      loaded = status.loader
        ? { addon, status: { available: true, reason: null, path: ADDON_PATH } }
        : fail(status.reason ?? 'the addon cannot load machine code in this Node');
    } catch (error) {
      // Built for another Node ABI, or a missing symbol.
      loaded = fail(
        `the native addon failed to load: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
      );
    }
  }
  return loaded;
}

/** Whether machine code can be saved and loaded here, and if not, why. Never throws. */
export function nativeStatus(): NativeStatus {
  return load().status;
}

/** The addon, or null when it is unavailable (see `nativeStatus().reason`). */
export function nativeAddon(): NativeAddon | null {
  return load().addon;
}
