#!/usr/bin/env node
// Builds the optional native addon (native/) that lets wasmer-ts cache V8's
// machine code. Runs as the package's install script. The addon is optional:
// on ANY failure this prints one line and exits 0, and wasmer-ts compiles
// modules the ordinary way. It never downloads Node headers: it builds against
// the headers installed with this Node, or not at all.
//
// WASMER_TS_SKIP_NATIVE=1 skips the build; --force rebuilds an up-to-date addon.
// --out=DIR builds a copy of native/ in DIR instead (scripts/build-exe.js builds the
// standalone executable's addon there, with another Node), and --strict makes a
// failure exit 1 instead of 0.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const strict = process.argv.includes('--strict');
const nativeDir = out === undefined ? path.join(root, 'native') : path.resolve(out);
const verbose = process.argv.includes('--verbose');
const force = process.argv.includes('--force');
const built = path.join(nativeDir, 'build/Release/wasmer_ts_native.node');
// In the temp directory, keyed by this checkout, so it never shows in the work tree.
const lock = path.join(
  tmpdir(),
  `wasmer-ts-native-${createHash('sha256').update(nativeDir).digest('hex').slice(0, 12)}.lock`,
);

function skip(reason) {
  if (strict) {
    process.stderr.write(`wasmer-ts: native addon not built in ${nativeDir}: ${reason}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `wasmer-ts: native addon not built (${reason}); modules will compile without the machine-code cache\n`,
  );
  process.exit(0);
}

/** The addon is newer than its sources and loads in this Node (same ABI): nothing to do. */
function isUpToDate() {
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const sourceDir = path.join(nativeDir, 'src');
  const sources = [
    path.join(nativeDir, 'binding.gyp'),
    ...(existsSync(sourceDir) ? readdirSync(sourceDir).map((name) => path.join(sourceDir, name)) : []),
  ];
  if (sources.some((f) => existsSync(f) && statSync(f).mtimeMs > builtAt)) return false;
  try {
    createRequire(import.meta.url)(built).status();
    return true;
  } catch {
    return false;
  }
}

/**
 * npm runs this twice in one `npm ci` (for the package and for its `file:.`
 * link): a lock directory keeps two builds from sharing native/build at once.
 */
function takeLock() {
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      return true;
    } catch {
      // A lock older than 10 minutes was left by a killed build.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // it just went away
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  return false;
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  // npm's bundled node-gyp, next to the npm that is running us (or the default one).
  if (process.env.npm_execpath) {
    candidates.push(path.resolve(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'));
  }
  candidates.push(path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  // A Node unpacked without npm (a tarball's bin/node run by hand) has no npm
  // next to it: use the npm on PATH, whose bin/npm links to npm/bin/npm-cli.js.
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      const cli = realpathSync(path.join(dir, 'npm'));
      candidates.push(path.resolve(path.dirname(cli), '../node_modules/node-gyp/bin/node-gyp.js'));
    } catch {
      // no npm in this directory
    }
  }
  try {
    const require = createRequire(import.meta.url);
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: fine
  }
  return candidates.find((c) => existsSync(c));
}

function findNodeDir() {
  // The prefix whose include/node holds node.h and common.gypi.
  const candidates = [path.resolve(process.execPath, '../..'), '/usr', '/usr/local'];
  return candidates.find(
    (dir) =>
      existsSync(path.join(dir, 'include/node/node.h')) && existsSync(path.join(dir, 'include/node/common.gypi')),
  );
}

try {
  if (process.env.WASMER_TS_SKIP_NATIVE === '1') skip('WASMER_TS_SKIP_NATIVE=1');
  if (out !== undefined) {
    // Timestamps kept, so an up-to-date copy is not rebuilt (isUpToDate).
    for (const part of ['binding.gyp', 'src']) {
      cpSync(path.join(root, 'native', part), path.join(nativeDir, part), {
        recursive: true,
        preserveTimestamps: true,
      });
    }
  }
  if (!existsSync(path.join(nativeDir, 'binding.gyp'))) skip('native/binding.gyp is missing');
  if (!takeLock()) skip(`another build holds ${lock}`);
  process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
  if (!force && isUpToDate()) {
    process.stdout.write('wasmer-ts: native addon up to date (machine-code cache enabled)\n');
    process.exit(0);
  }
  const gyp = findNodeGyp();
  if (gyp === undefined) skip('node-gyp was not found');
  const nodedir = findNodeDir();
  if (nodedir === undefined) skip('the Node headers (include/node/node.h) are not installed');
  const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=2'], {
    cwd: nativeDir,
    stdio: verbose ? 'inherit' : 'pipe',
    encoding: 'utf8',
    // Headers must come from nodedir: never let node-gyp reach the network.
    env: { ...process.env, npm_config_nodedir: nodedir, npm_config_offline: 'true' },
    timeout: 300_000,
  });
  if (result.error) skip(`node-gyp could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const lines = `${result.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l));
    skip(`build failed: ${(lines[0] ?? `node-gyp exited with ${result.status}`).trim().slice(0, 200)}`);
  }
  if (!existsSync(built)) skip('the build produced no wasmer_ts_native.node');
  process.stdout.write('wasmer-ts: native addon built (machine-code cache enabled)\n');
} catch (error) {
  skip(error instanceof Error ? error.message : String(error));
}
