// Shared helpers for the benchmark suites: the Node to measure, timing with
// min and median over repeated runs, and a table printer. Never used by tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { delimiter, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

// Every Node a suite starts inherits this environment. NODE_EXTRA_CA_CERTS makes
// each Node start read and parse a certificate bundle (measured here: `node -e 0`
// 40 ms without it, 98 ms with it, on Node 20), a constant that would be added to
// every row and make start-up ratios look better than on a machine without it;
// NODE_OPTIONS would change the flags of what is measured. Both are dropped.
export const DROPPED_ENV = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'].filter((name) => process.env[name] !== undefined);
for (const name of DROPPED_ENV) delete process.env[name];

/**
 * The Node binary the suites measure: `npm run bench -- --node 26` (bench/run.js
 * fetches it and sets BENCH_NODE), else the one running the bench.
 */
export function benchNode() {
  return process.env.BENCH_NODE || process.execPath;
}

/**
 * How to start `wasmer-ts` as users do: bin/wasmer-ts.js run as a program (its
 * launcher picks V8's flags and execs `node`), with the measured Node first on PATH.
 */
export function wasmerTs() {
  return {
    cmd: `${ROOT}bin/wasmer-ts.js`,
    env: { ...process.env, PATH: `${dirname(benchNode())}${delimiter}${process.env.PATH ?? ''}` },
  };
}

/** Runs `fn` `iterations` times per sample, `samples` times; returns ns per iteration (min, median). */
export function measure(fn, { iterations = 1, samples = 15, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) for (let j = 0; j < iterations; j++) fn();
  const times = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let j = 0; j < iterations; j++) fn();
    times.push(((performance.now() - t0) * 1e6) / iterations);
  }
  return summarize(times);
}

/** Same as `measure` for an async function. */
export async function measureAsync(fn, { iterations = 1, samples = 15, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) for (let j = 0; j < iterations; j++) await fn();
  const times = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let j = 0; j < iterations; j++) await fn();
    times.push(((performance.now() - t0) * 1e6) / iterations);
  }
  return summarize(times);
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, samples: sorted.length };
}

export function geomean(values) {
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

/** Prints rows (objects with the same keys) as an aligned text table. */
export function printTable(title, rows) {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]);
  const cells = rows.map((r) => keys.map((k) => format(r[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(`\n## ${title}\n`);
  console.log(line(keys));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

function format(v) {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  return String(v ?? '');
}

/** A positive integer from an environment variable (BENCH_RUNS...), else `fallback`. */
export function positiveInt(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The load average now, `1.2 0.8 0.5`. */
export function loadAverage() {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

/** The closing line of a suite: shared machines disturb timings, so say how busy this one was. */
export function machineLine(loadBefore) {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  const dropped = DROPPED_ENV.length === 0 ? '' : `; dropped from the environment: ${DROPPED_ENV.join(', ')}`;
  return `\nmachine: ${availableParallelism()} cores, ${model}; load average ${loadBefore} before, ${loadAverage()} after${dropped}`;
}

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A `prepare` for `interleaved` that deletes the cache entries in `dir` whose names end
 * in one of `extensions` (`.wasmu`, `.wcomp`), and with `seen`, the CLI's markers of the
 * components that ran before (`js/seen-*`, bin/bundle-loader.js), and nothing else. A
 * `find`, not `rm DIR/*.x`: hyperfine -N runs its prepare command without a shell, so a
 * glob would reach rm as the literal name `*.x` and delete nothing (the cold rows were
 * warm until 2026-12-02). Creates `dir`, since find fails on a missing one and hyperfine
 * stops on that.
 */
export function deleteEntries(dir, extensions, { seen = false } = {}) {
  mkdirSync(dir, { recursive: true });
  // Entries sit in `dir` itself (not in js/, say): a name, at depth 1.
  const names = extensions.flatMap((ext, i) => [
    ...(i === 0 ? [] : ['-o']),
    '(',
    '-name',
    `*${ext}`,
    '-not',
    '-path',
    `${dir}/*/*`,
    ')',
  ]);
  if (seen) names.push('-o', '-path', `${dir}/js/seen-*`);
  return ['find', dir, '-maxdepth', '2', '(', ...names, ')', '-delete'].join(' ');
}

/**
 * Times whole commands with hyperfine, interleaved: `rounds` rounds of `runs`
 * runs each, the order rotated every round so that no command always runs first
 * (or after the same one). Returns, per command, the median wall time over all
 * runs and the median of the rounds' CPU times (user+sys; hyperfine gives it per
 * round), in ms. `prepare` runs before every run (hyperfine --prepare).
 */
export function interleaved(commands, { rounds, runs, cwd, env, out, prepare = null }) {
  const wall = commands.map(() => []);
  const cpu = commands.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = commands.map((_, i) => (i + round) % commands.length);
    execFileSync(
      'hyperfine',
      [
        '-N',
        '--style',
        'none',
        ...(prepare === null ? [] : ['--prepare', prepare]),
        '--warmup',
        round === 0 ? '3' : '1',
        '--runs',
        String(runs),
        '--export-json',
        out,
        ...order.map((i) => commands[i]),
      ],
      // hyperfine's own warnings about outliers (every round, on this machine) are left out.
      { cwd, stdio: ['ignore', 'ignore', 'pipe'], env },
    );
    const { results } = JSON.parse(readFileSync(out, 'utf8'));
    results.forEach((r, k) => {
      wall[order[k]].push(...r.times.map((t) => t * 1000));
      cpu[order[k]].push((r.user + r.system) * 1000);
    });
  }
  return { wall: wall.map(median), cpu: cpu.map(median), minWall: wall.map((w) => Math.min(...w)) };
}

/** A minimal node:wasi runner (`node --no-warnings SCRIPT prog.wasm`): the baseline of the WASI start-up rows. */
/** NODE_WASI_SCRIPT as a CommonJS file, which starts faster than an ES module (no ESM loader). */
export const NODE_WASI_SCRIPT_CJS = [
  "const { readFileSync } = require('node:fs');",
  "const { WASI } = require('node:wasi');",
  "const wasi = new WASI({ version: 'preview1', args: [process.argv[2]], env: {}, returnOnExit: true });",
  'const wasm = new WebAssembly.Module(readFileSync(process.argv[2]));',
  'process.exitCode = wasi.start(new WebAssembly.Instance(wasm, wasi.getImportObject()));',
].join('\n');

export const NODE_WASI_SCRIPT = [
  "import { readFileSync } from 'node:fs';",
  "import { WASI } from 'node:wasi';",
  "const wasi = new WASI({ version: 'preview1', args: [process.argv[2]], env: {}, returnOnExit: true });",
  'const module = new WebAssembly.Module(readFileSync(process.argv[2]));',
  'process.exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));',
].join('\n');
