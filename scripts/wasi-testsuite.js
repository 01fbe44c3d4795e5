#!/usr/bin/env node
// Runs the official WASI testsuite (github.com/WebAssembly/wasi-testsuite, branch
// prod/testsuite-base: prebuilt .wasm tests with .json specs) through
// `node bin/wasmer-ts.js run`, and prints `N passed, M failed`.
//
//   node scripts/wasi-testsuite.js /path/to/wasi-testsuite [--runtime=node-wasi] [--worker] [--component] [--verbose] [FILTER]
//   WASI_TESTSUITE_DIR=/path/to/wasi-testsuite node scripts/wasi-testsuite.js
//
// Like the testsuite's own adapters: the spec's env is the whole environment, its
// args follow the module path, and its `root` directory is preopened as `/`.
// `--runtime=node-wasi` runs the same tests under Node's built-in node:wasi for contrast;
// `--worker` adds `--timeout 60s`, so every test runs in runProgram's worker thread.
// `--component` runs each program as a WASI 0.2 command component instead: adapted
// with the official preview1 adapter (`jco new PROG.wasm --wasi-command`, jco pinned
// in scripts/build-components.js and installed outside the repo), the adapted files
// kept in $XDG_CACHE_HOME/wasmer-ts-wasi-components keyed by the program's hash.
// Nothing from the testsuite is committed to this repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JCO_VERSION, jcoBin } from './build-components.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const positional = argv.filter((a) => !a.startsWith('--'));
const suiteDir = positional[0] ?? process.env.WASI_TESTSUITE_DIR;
const filter = positional[1] ?? null;
const verbose = flags.has('--verbose');
const runtime = flags.has('--runtime=node-wasi') ? 'node-wasi' : 'wasmer-ts';
const asComponent = flags.has('--component');
if (asComponent && runtime === 'node-wasi') {
  console.error('--component runs components, which node:wasi cannot: drop --runtime=node-wasi');
  process.exit(2);
}
const jco = asComponent ? jcoBin({ install: true }) : null;
const componentCache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wasmer-ts-wasi-components');

/** `wasm` adapted into a WASI 0.2 command component (cached by content and jco version). */
function adapted(wasm) {
  const key = createHash('sha256').update(readFileSync(wasm)).update(JCO_VERSION).digest('hex').slice(0, 24);
  const out = join(componentCache, `${key}.wasm`);
  if (!existsSync(out)) {
    mkdirSync(componentCache, { recursive: true });
    const partial = `${out}.${process.pid}.tmp`;
    execFileSync(jco, ['new', wasm, '--wasi-command', '-o', partial], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(partial, out);
  }
  return out;
}

if (suiteDir === undefined) {
  console.error('usage: node scripts/wasi-testsuite.js PATH_TO_WASI_TESTSUITE (or set WASI_TESTSUITE_DIR)');
  process.exit(2);
}

const NODE_WASI_RUNNER = `
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';
const [file, specJson] = process.argv.slice(1);
const spec = JSON.parse(specJson);
const wasi = new WASI({ version: 'preview1', args: [file, ...spec.args], env: spec.env,
  preopens: spec.root ? { '/': spec.root } : {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
`;

function testDirs(root) {
  const dirs = [];
  for (const lang of ['c', 'rust', 'assemblyscript']) {
    const dir = join(root, 'tests', lang, 'testsuite', 'wasm32-wasip1');
    if (existsSync(dir)) dirs.push(dir);
  }
  return dirs;
}

/** Removes `*.cleanup` leftovers, as the spec asks before each run. */
function cleanup(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    const name = String(entry);
    if (name.endsWith('.cleanup')) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

function run(dir, file) {
  const base = file.slice(0, -'.wasm'.length);
  const specPath = join(dir, `${base}.json`);
  // As the testsuite's runner does: stdout is compared only when the spec gives it.
  const spec = { args: [], env: {}, root: null, exit_code: 0, stdout: null };
  if (existsSync(specPath)) Object.assign(spec, JSON.parse(readFileSync(specPath, 'utf8')));
  const wasm = asComponent ? adapted(join(dir, file)) : join(dir, file);
  const root = spec.root === null ? null : resolve(dir, spec.root);
  let command;
  if (runtime === 'node-wasi') {
    command = [
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', NODE_WASI_RUNNER, wasm, JSON.stringify({ ...spec, root })],
    ];
  } else {
    const args = [join(repo, 'bin', 'wasmer-ts.js'), 'run', '--no-cache'];
    if (flags.has('--worker')) args.push('--timeout', '60s');
    for (const [k, v] of Object.entries(spec.env)) args.push('--env', `${k}=${v}`);
    if (root !== null) args.push('--dir', `${root}::/`);
    args.push(wasm, '--', ...spec.args);
    command = [process.execPath, args];
  }
  const result = spawnSync(command[0], command[1], { cwd: dir, encoding: 'utf8', timeout: 60_000, input: '' });
  const failures = [];
  if (result.status !== spec.exit_code) failures.push(`exit code ${result.status}, expected ${spec.exit_code}`);
  if (spec.stdout !== null && result.stdout !== spec.stdout)
    failures.push(`stdout ${JSON.stringify(result.stdout)}, expected ${JSON.stringify(spec.stdout)}`);
  return { name: `${dir.split('/').at(-3)}/${base}`, failures, stderr: result.stderr };
}

let passed = 0;
let failed = 0;
for (const dir of testDirs(suiteDir)) {
  cleanup(dir);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.wasm'))
    .sort();
  for (const file of files) {
    if (filter !== null && !file.includes(filter)) continue;
    const r = run(dir, file);
    if (r.failures.length === 0) {
      passed++;
      if (verbose) console.log(`pass  ${r.name}`);
    } else {
      failed++;
      console.log(`FAIL  ${r.name}: ${r.failures.join('; ')}`);
      if (verbose && r.stderr) console.log(r.stderr.replace(/^/gm, '      '));
    }
  }
  cleanup(dir);
}
const mode = `${asComponent ? ' (components)' : ''}${flags.has('--worker') ? ' (worker)' : ''}`;
console.log(`${runtime}${mode}: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
