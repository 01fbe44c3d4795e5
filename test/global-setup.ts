// vitest's globalSetup (vitest.config.ts): runs once, in the main process,
// before any test file and after the last one.
//
// 1. dist/ is the code under test for the CLI (bin/ runs dist/bundle or
//    dist/cli.js), for worker and child scripts (engine/paths.ts builtScript) and
//    for the child processes of test/runtime/cache. So before any test runs, dist/
//    is brought up to date with src/: `tsc --incremental` when some src/ file is
//    newer than its output (or has none), then the CLI bundle when it is older
//    than tsc's output. `npx vitest run` after an edit never tests stale code.
// 2. Every temp directory of the run lives under one parent, TEST_TMP_PREFIX +
//    this process id: TMPDIR points there, so `mkdtemp(tmpdir())` in a test file,
//    a CLI child or a WASI guest's host directory lands in it. Teardown removes
//    it; a crashed run's parent is removed by the next run (its process is gone).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
/**
 * tsc's record of the last incremental build: outside the tree (dist/ is
 * published whole, and git must not see it), one per checkout.
 */
const BUILD_INFO = path.join(
  tmpdir(),
  'wasmer-ts-tsbuildinfo',
  `${createHash('sha256').update(ROOT).digest('hex').slice(0, 16)}.tsbuildinfo`,
);

/** The prefix of each run's temp parent: `wasmer-ts-test-run-PID-XXXXXX`. */
export const TEST_TMP_PREFIX = 'wasmer-ts-test-run-';

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(file);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield file;
  }
}

function mtime(file: string): number {
  return existsSync(file) ? statSync(file).mtimeMs : Number.NEGATIVE_INFINITY;
}

/** dist/'s .js for a src/ .ts file. */
function builtFile(source: string): string {
  return path.join(DIST, path.relative(SRC, source)).replace(/\.ts$/, '.js');
}

/** The src/ files whose dist/ .js is missing or older than they are (and the build config). */
export function staleSources(): string[] {
  const stale: string[] = [];
  const configTime = Math.max(mtime(path.join(ROOT, 'tsconfig.json')), mtime(path.join(ROOT, 'tsconfig.build.json')));
  for (const file of sourceFiles(SRC)) {
    const builtTime = mtime(builtFile(file));
    if (builtTime < mtime(file) || builtTime < configTime) stale.push(path.relative(ROOT, file));
  }
  return stale;
}

/** True when the CLI bundle is missing or older than a dist/ file it may include. */
function bundleIsStale(): boolean {
  const bundle = path.join(DIST, 'bundle', 'cli.cjs');
  if (!existsSync(bundle)) return true;
  const built = mtime(bundle);
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== 'bundle' && newer(file);
      return entry.name.endsWith('.js') && mtime(file) > built;
    });
  return newer(DIST) || mtime(path.join(ROOT, 'scripts', 'bundle-cli.js')) > built;
}

/** True when dist/ has the published WebAssembly declarations, current and referenced from index.d.ts. */
function typesShipped(): boolean {
  const shipped = path.join(DIST, 'types', 'webassembly.d.ts');
  const index = path.join(DIST, 'runtime', 'index.d.ts');
  if (mtime(shipped) < mtime(path.join(SRC, 'types', 'published', 'webassembly.d.ts')) || !existsSync(index))
    return false;
  return readFileSync(index, 'utf8').startsWith('/// <reference path="../types/webassembly.d.ts" />');
}

function run(command: string, args: readonly string[]): void {
  execFileSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Builds what is stale; returns what it did, for the log line. */
export function buildDist(): string[] {
  const done: string[] = [];
  const stale = staleSources();
  if (stale.length > 0) {
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO]);
    // A stale source that the incremental build did not write (touched, or
    // checked out again unchanged, or dist/ was built by `npm run build` since):
    // tsc's record may not match dist/, so build everything once without it.
    if (staleSources().length > 0) {
      rmSync(BUILD_INFO, { force: true });
      run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO]);
    }
    const left = staleSources();
    if (left.length > 0) throw new Error(`global setup: tsc wrote no output for ${left.join(', ')}`);
    done.push(`tsc (${stale.length} stale: ${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''})`);
  }
  // tsc rewrites dist/runtime/index.d.ts without the reference to the shipped
  // WebAssembly declarations that `npm run build` adds after it: add it again.
  if (stale.length > 0 || !typesShipped()) {
    run(process.execPath, [path.join(ROOT, 'scripts', 'ship-types.js')]);
    done.push('types');
  }
  if (bundleIsStale()) {
    run(process.execPath, [path.join(ROOT, 'scripts', 'bundle-cli.js')]);
    done.push('bundle');
  }
  return done;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp parents of earlier runs whose process is gone (a crash, a kill). Never a live run's. */
export function removeStaleRunDirs(base: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(base)) {
    const match = new RegExp(`^${TEST_TMP_PREFIX}(\\d+)-`).exec(name);
    if (match === null || isAlive(Number(match[1]))) continue;
    rmSync(path.join(base, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export default function setup(): () => void {
  const done = buildDist();
  if (done.length > 0) console.log(`global setup: built dist/: ${done.join(', ')}`);

  const base = tmpdir();
  removeStaleRunDirs(base);
  const runDir = mkdtempSync(path.join(base, `${TEST_TMP_PREFIX}${process.pid}-`));
  // Traversable by everyone, as /tmp is: some tests run a child as `nobody` on files in here.
  chmodSync(runDir, 0o755);
  const previous = process.env.TMPDIR;
  // Test workers (forks) and their children inherit it: os.tmpdir() reads TMPDIR.
  process.env.TMPDIR = runDir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(runDir, { recursive: true, force: true });
  };
}
