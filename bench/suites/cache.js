// The machine-code cache (issue 5): for a compute-bound kernel and a large
// module (several MB), compares in one run
//   cold      default lazy compile (Liftoff first, TurboFan later), as `run` does without a cache
//   compile   `wasmer-ts compile`: eager TurboFan + serialize (compileOptimized)
//   artifact  loading the compiled artifact's machine code
//   cache     the second `run` with the automatic cache (filled after the first run from the code
//             V8 tiered up)
// each as time to first result (read + compile/load + instantiate + first call,
// in a fresh process, Node start-up and module loading excluded) and as steady-state time per call.
// Each figure is the median over fresh processes of the Node under test (`--node 26`), started
// with the V8 flags `wasmer-ts run` gives each (tiering.ts): auto's for the module, the eager
// ones for the artifact.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchNode, positiveInt, printTable, summarize } from '../lib.js';

export const name = 'cache';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(ROOT, 'bench/out/cache');
const DIST = new URL('../../dist/runtime/', import.meta.url).href;
const PROCESSES = 7;

/** A C file built once per content (clang --target=wasm32-wasi), kept in bench/out. */
function buildC(label, source, optimization) {
  const hash = createHash('sha256').update(source).update(optimization).digest('hex').slice(0, 12);
  const wasm = path.join(OUT, `${label}-${hash}.wasm`);
  if (!existsSync(wasm)) {
    const c = path.join(OUT, `${label}-${hash}.c`);
    writeFileSync(c, source);
    process.stderr.write(`building ${label} with clang ${optimization}…\n`);
    execFileSync('clang', ['--target=wasm32-wasi', optimization, '-nostdlib', '-Wl,--no-entry', c, '-o', wasm]);
  }
  return wasm;
}

/**
 * A large module: a debug build (-O0, as shipped by many toolchains) of
 * generated C, 1100 distinct functions with loops and switches, called through
 * a table by `run`, so the first result needs every function compiled.
 */
export function largeSource(count) {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  let s = '#include <stdint.h>\n';
  for (let i = 0; i < count; i++) {
    s += `__attribute__((noinline)) static uint32_t f${i}(uint32_t x, uint32_t *m) {\n`;
    s += `  uint32_t a = x ^ ${rnd()}u, b = x * ${rnd() | 1}u, c = ${rnd()}u;\n`;
    for (let k = 0; k < 6; k++) {
      s += `  for (uint32_t i = 0; i < ${(rnd() % 5) + 2}; i++) { a = (a * ${rnd() | 1}u) ^ (b >> ${(rnd() % 31) + 1}); b += m[(a + ${k}) & 63] ^ c; c = (c << ${(rnd() % 31) + 1}) | (a >> ${(rnd() % 31) + 1}); }\n`;
      s += `  switch ((a >> ${rnd() % 24}) & 3) { case 0: a += ${rnd()}u; break; case 1: b ^= ${rnd()}u; break; case 2: c -= a; break; default: m[b & 63] += c; }\n`;
    }
    s += '  return a ^ b ^ c;\n}\n';
  }
  const names = Array.from({ length: count }, (_, i) => `f${i}`).join(',');
  s += `typedef uint32_t (*fn)(uint32_t, uint32_t *);\nstatic fn const table[${count}] = {${names}};\nstatic uint32_t mem[64];\n`;
  s += `__attribute__((export_name("run"))) uint32_t run(uint32_t rounds) {\n  uint32_t h = 0;\n`;
  s += `  for (uint32_t r = 0; r < rounds; r++) for (uint32_t i = 0; i < ${count}; i++) h = h * 31 + table[i](h + r, mem);\n  return h;\n}\n`;
  return s;
}

// One fresh process: load (cold compile, artifact or cache), first call, then steady-state calls.
const CHILD = `
import { readFileSync } from 'node:fs';
const [mode, file, entry, firstArg, steadyArg, calls, cacheDir] = process.argv.slice(1);
// The library is imported before the clock starts in every mode: a real run imports it anyway.
const { loadArtifactModule } = await import(DIST + 'engine/machine-code.js');
const { compileWithCache } = await import(DIST + 'engine/cache/index.js');
const t0 = performance.now();
const bytes = new Uint8Array(readFileSync(file));
let module, usedMachineCode = false, save = null;
if (mode === 'cold') module = await WebAssembly.compile(bytes);
else if (mode === 'artifact') ({ module, usedMachineCode } = await loadArtifactModule(bytes));
else {
  const c = await compileWithCache(bytes, { dir: cacheDir });
  ({ module, save } = c);
  usedMachineCode = c.fromCache;
}
const f = new WebAssembly.Instance(module, {}).exports[entry];
const result = f(Number(firstArg));
const first = performance.now() - t0;
const times = [];
for (let i = 0; i < Number(calls); i++) { const t = performance.now(); f(Number(steadyArg)); times.push(performance.now() - t); }
const tail = times.slice(times.length >> 1).sort((a, b) => a - b);
if (save !== null) await save();
console.log(JSON.stringify({ first, steady: tail[tail.length >> 1], result, usedMachineCode }));
`;

function child(args, flags) {
  const script = `const DIST = ${JSON.stringify(DIST)};\n${CHILD}`;
  const r = spawnSync(benchNode(), [...flags, '--input-type=module', '-e', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function medianOf(runs, key) {
  return summarize(runs.map((r) => r[key])).median;
}

async function measureModule(label, wasmFile, { entry, firstArg, steadyArg, calls }) {
  const { compileOptimized } = await import(`${DIST}engine/machine-code.js`);
  const { nativeStatus } = await import(`${DIST}engine/native.js`);
  const { parseModule } = await import(`${DIST}parser/index.js`);
  const { resolveTier, tieringFacts, v8FlagsFor } = await import(`${DIST}engine/tiering.js`);
  const wasm = new Uint8Array(readFileSync(wasmFile));
  const args = (mode, file, dir = '') => [mode, file, entry, String(firstArg), String(steadyArg), String(calls), dir];
  // What `wasmer-ts run` starts Node with for this module, and for its artifact.
  const flags = v8FlagsFor(resolveTier('auto', tieringFacts(wasm, parseModule(wasm))));
  const eager = v8FlagsFor('eager');

  const cold = Array.from({ length: PROCESSES }, () => child(args('cold', wasmFile), flags));
  const t0 = performance.now();
  const compiled = await compileOptimized(wasm);
  const compileMs = performance.now() - t0;
  const artifactFile = path.join(OUT, `${label}.wasmu`);
  writeFileSync(artifactFile, compiled.artifact);
  const fromArtifact = Array.from({ length: PROCESSES }, () => child(args('artifact', artifactFile), eager));
  const cacheDir = path.join(OUT, `cache-${label}`);
  rmSync(cacheDir, { recursive: true, force: true });
  child(args('cache', wasmFile, cacheDir), flags); // the first run fills the cache from its tiered-up code
  const { ModuleCache } = await import(`${DIST}engine/cache/index.js`);
  const fromCache = Array.from({ length: PROCESSES }, () => child(args('cache', wasmFile, cacheDir), flags));

  const cachedCode = (await new ModuleCache(cacheDir).list())[0]?.machineCodeByteLength ?? 0;
  for (const r of [...fromArtifact, ...fromCache]) {
    if (r.result !== cold[0].result) throw new Error(`${label}: wrong result from saved machine code`);
  }
  const coldFirst = medianOf(cold, 'first');
  const row = (how, runs, extra = {}) => ({
    module: label,
    how,
    'first result ms': medianOf(runs, 'first'),
    'vs cold': medianOf(runs, 'first') / coldFirst,
    'steady ms/call': medianOf(runs, 'steady'),
    'machine code': runs.every((r) => r.usedMachineCode) ? 'yes' : runs.some((r) => r.usedMachineCode) ? 'some' : 'no',
    ...extra,
  });
  return {
    rows: [
      row(`cold (lazy compile, ${flags.join(' ') || 'V8 defaults'})`, cold),
      {
        module: label,
        how: 'compile (eager TurboFan)',
        'first result ms': compileMs,
        'vs cold': '',
        'steady ms/call': '',
        'machine code': `${(compiled.machineCodeByteLength / 1024).toFixed(0)} KiB`,
      },
      row('from artifact', fromArtifact),
      row('cache, 2nd run', fromCache, { 'machine code': `${(cachedCode / 1024).toFixed(0)} KiB` }),
    ],
    wasmSize: wasm.length,
    native: nativeStatus(),
  };
}

export async function run() {
  mkdirSync(OUT, { recursive: true });
  const kernel = buildC('sha256-kernel', readFileSync(path.join(ROOT, 'bench/cache/sha256-kernel.c'), 'utf8'), '-O2');
  // CACHE_LARGE_FUNCTIONS: how many generated functions (about 3.7 KiB of code each); 1100 by default.
  const large = buildC('large-generated', largeSource(positiveInt(process.env.CACHE_LARGE_FUNCTIONS, 1100)), '-O0');
  const a = await measureModule('sha256 kernel', kernel, { entry: 'work', firstArg: 300, steadyArg: 100, calls: 200 });
  const b = await measureModule('large', large, { entry: 'run', firstArg: 1, steadyArg: 1, calls: 300 });
  if (!a.native.available) console.log(`\n(native addon unavailable: ${a.native.reason}; no machine code is saved)`);
  printTable(
    `cache: time to first result and steady state (median of ${PROCESSES} fresh processes; kernel ${(a.wasmSize / 1024).toFixed(1)} KiB, large ${(b.wasmSize / 1024).toFixed(0)} KiB)`,
    [...a.rows, ...b.rows],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
