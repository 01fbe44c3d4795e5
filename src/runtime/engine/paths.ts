/**
 * Where the package's own files are, from one place. Every path computed from
 * `import.meta.url` lives here, so moving a module cannot silently break one:
 * this file sits three levels below the package root in src/ (src/runtime/engine)
 * and in dist/ (dist/runtime/engine), which test/architecture.test.ts relies on.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root (where package.json is), as a directory URL. */
export const PACKAGE_ROOT = new URL('../../../', import.meta.url);

/** The native addon, as `npm install` builds it. */
export const NATIVE_ADDON_PATH = fileURLToPath(new URL('native/build/Release/wasmer_ts_native.node', PACKAGE_ROOT));

let version: string | undefined;

/** wasmer-ts's own version from package.json, or `unknown` when it cannot be read. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8'));
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
