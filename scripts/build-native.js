#!/usr/bin/env node
// Builds the optional native addon (native/) that lets wasmer-ts cache V8's
// machine code. Runs as the package's install script. The addon is optional:
// on ANY failure this prints one line and exits 0, and wasmer-ts compiles
// modules the ordinary way. It never downloads Node headers: it builds against
// the headers installed with this Node, or not at all.
//
// WASMER_TS_SKIP_NATIVE=1 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');
const verbose = process.argv.includes('--verbose');

function skip(reason) {
  process.stdout.write(
    `wasmer-ts: native addon not built (${reason}); modules will compile without the machine-code cache\n`,
  );
  process.exit(0);
}

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  // npm's bundled node-gyp, next to the npm that is running us (or the default one).
  if (process.env.npm_execpath) {
    candidates.push(path.resolve(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'));
  }
  candidates.push(path.resolve(process.execPath, '../../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
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
  if (!existsSync(path.join(nativeDir, 'binding.gyp'))) skip('native/binding.gyp is missing');
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
  const built = path.join(nativeDir, 'build/Release/wasmer_ts_native.node');
  if (!existsSync(built)) skip('the build produced no wasmer_ts_native.node');
  process.stdout.write('wasmer-ts: native addon built (machine-code cache enabled)\n');
} catch (error) {
  skip(error instanceof Error ? error.message : String(error));
}
