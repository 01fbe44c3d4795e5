/**
 * Where the package's own files are, from one place. Every path computed from
 * `import.meta.url` lives here, so moving a module cannot silently break one:
 * this file sits three levels below the package root in src/ (src/runtime/engine)
 * and in dist/ (dist/runtime/engine), which test/architecture.test.ts relies on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Functions, not constants computed as the module loads: node:url's fileURLToPath and the
// bundle's stand-in for import.meta.url load node:url, which a start need not (builtin.ts).

/** The package root (where package.json is), as a directory URL. */
function packageRoot(): URL {
  return new URL('../../../', import.meta.url);
}

/** The native addon, as `npm install` builds it. */
export function nativeAddonPath(): string {
  return fileURLToPath(new URL('native/build/Release/wasmer_ts_native.node', packageRoot()));
}

let version: string | undefined;

/** Defined in the CLI's bundle only (scripts/bundle-cli.js); undeclared elsewhere, which `typeof` allows. */
declare const __WASMER_TS_BUNDLED_VERSION__: string | undefined;

/** wasmer-ts's own version from package.json, or `unknown` when it cannot be read. */
export function packageVersion(): string {
  if (embedding !== null) return embedding.version;
  // The CLI's bundle has it built in (scripts/bundle-cli.js): no read and parse of package.json per start.
  if (version === undefined && typeof __WASMER_TS_BUNDLED_VERSION__ === 'string')
    version = __WASMER_TS_BUNDLED_VERSION__;
  if (version === undefined) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8'));
      version =
        typeof parsed === 'object' && parsed !== null && 'version' in parsed ? String(parsed.version) : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/**
 * The built JavaScript of a module under src/runtime (`program/worker.js`), for
 * the scripts that start in a worker or a child process. Node runs dist/; under
 * a TypeScript test runner this file is src/, and the built copy in dist/ is
 * the one to start (the test suite's global setup builds dist/ first).
 */
export function builtScript(relativeToRuntime: string): URL {
  const runtime = new URL('../', import.meta.url);
  const built = runtime.href.includes('/src/runtime/')
    ? new URL(runtime.href.replace(/\/src\/runtime\/$/, '/dist/runtime/'))
    : runtime;
  return new URL(relativeToRuntime, built);
}

/**
 * How the standalone executable (src/standalone/, `npm run build:exe`) provides
 * what the package otherwise finds in its files: it has no package directory, no
 * dist/ scripts to start, and Node's arguments are its own (a single executable
 * application passes every argument to the program; Node flags go in
 * `--node-options=`). Installed once, first thing, by the executable's entry;
 * the npm package never installs one.
 */
export interface Embedding {
  /** wasmer-ts's version, fixed when the executable was built. */
  readonly version: string;
  /** A path to load the native addon from (written out of the executable on first use), or why there is none. */
  nativeAddonPath(): { readonly path: string } | { readonly reason: string };
  /** The source of a script of ours (`program/worker.js`), for a worker started with `eval: true`. */
  workerSource(script: string): string;
  /** A file the package has under dist/ (`exe/runner.cjs`), from inside the executable, or null. */
  distFile(relative: string): Uint8Array | null;
  /** How to start this executable as `script` (`engine/compile-child-main.js`, or null for the CLI) under `nodeFlags`. */
  launch(script: string | null, nodeFlags: readonly string[], args: readonly string[]): ScriptLaunch;
}

/** A process to spawn: `spawn(command, args, { env })`. */
export interface ScriptLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** Variables to add to the child's environment. */
  readonly env: Readonly<Record<string, string>>;
}

let embedding: Embedding | null = null;

/** Called by the standalone executable's entry before anything else runs. */
export function installEmbedding(e: Embedding): void {
  embedding = e;
}

/** The standalone executable's embedding, or null in the npm package. */
export function currentEmbedding(): Embedding | null {
  return embedding;
}

/**
 * How to start one of our scripts (`engine/compile-child-main.js`; null: the CLI,
 * `process.argv[1]`) in a child Node started with exactly `nodeFlags`.
 */
export function launchScript(
  script: string | null,
  nodeFlags: readonly string[],
  args: readonly string[],
): ScriptLaunch {
  if (embedding !== null) return embedding.launch(script, nodeFlags, args);
  const file = script === null ? process.argv[1] : fileURLToPath(builtScript(script));
  if (file === undefined) throw new Error('no script to relaunch: process.argv[1] is empty');
  return { command: process.execPath, args: [...nodeFlags, file, ...args], env: {} };
}

/** A worker of ours: its built file, or in the standalone executable its source (`new Worker(code, { eval: true })`). */
export function workerScript(script: string): URL | string {
  return embedding === null ? builtScript(script) : embedding.workerSource(script);
}

/** A file under dist/ (`exe/runner.cjs`): its bytes, or null when this install has none. */
export function distFile(relative: string): Uint8Array | null {
  if (embedding !== null) return embedding.distFile(relative);
  try {
    return new Uint8Array(readFileSync(new URL(`dist/${relative}`, packageRoot())));
  } catch {
    return null;
  }
}
