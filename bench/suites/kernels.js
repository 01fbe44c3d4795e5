// The kernel suite (issue 6): classic compute kernels in C (bench/kernels/*.c),
// built to native x86-64 and to wasm32-wasi with clang -O2, run natively,
// under plain node:wasi with Node's defaults, and under `wasmer-ts run` with
// each --compiler choice. Prints time ratios to native and their geometric
// mean; every run's output must equal the native checksum line.
//
// Then start-up: `wasmer-ts run --invoke` of a tiny module with auto vs
// baseline, against `node -e 0`.
//
//   npm run bench -- kernels
//   BENCH_RUNS=1 npm run bench -- kernels        (one round instead of two: half the time)
//   BENCH_KERNELS=nbody,sieve npm run bench -- kernels
//
// Runs are interleaved (every runner once per round) so background load hits
// all runners alike; the table uses the fastest of the rounds (min), the
// least disturbed measure on a shared machine, and also prints the medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { geomean, printTable, summarize } from '../lib.js';

export const name = 'kernels';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcDir = `${root}bench/kernels/`;
const outDir = `${root}bench/out/kernels/`;
const cli = `${root}bin/wasmer-ts.js`;
const nodeWasi = `${srcDir}node-wasi.mjs`;

const NATIVE = ['clang', '-O2', '-o'];
const WASM = ['clang', '--target=wasm32-wasi', '-O2', '-o'];
const COMPILERS = ['auto', 'baseline', 'optimizing'];

function positiveInt(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Builds `name.c` to native and wasm32-wasi in bench/out, reusing a build of the same source and command. */
function build(kernel) {
  const source = readFileSync(`${srcDir}${kernel}.c`);
  const key = createHash('sha256')
    .update(source)
    .update(JSON.stringify([NATIVE, WASM]))
    .digest('hex')
    .slice(0, 16);
  const stamp = `${outDir}${kernel}.stamp`;
  const native = `${outDir}${kernel}`;
  const wasm = `${outDir}${kernel}.wasm`;
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === key && existsSync(native) && existsSync(wasm))) {
    const [cc, ...nativeArgs] = NATIVE;
    execFileSync(cc, [...nativeArgs, native, `${srcDir}${kernel}.c`, '-lm'], { stdio: 'inherit' });
    const [wcc, ...wasmArgs] = WASM;
    execFileSync(wcc, [...wasmArgs, wasm, `${srcDir}${kernel}.c`], { stdio: 'inherit' });
    writeFileSync(stamp, key);
  }
  return { native, wasm, wasmBytes: readFileSync(wasm).byteLength };
}

function runners(b) {
  return [
    { label: 'native', cmd: b.native, args: [] },
    // --no-turbo-fast-api-calls: works around a node:wasi crash, see node-wasi.mjs; tiering stays Node's default.
    {
      label: 'node:wasi',
      cmd: process.execPath,
      args: ['--no-warnings', '--no-turbo-fast-api-calls', nodeWasi, b.wasm],
    },
    ...COMPILERS.map((c) => ({
      label: c,
      cmd: process.execPath,
      // --no-cache: measure the compiler choice, not machine code saved by an earlier run.
      args: [cli, 'run', '--no-cache', '--compiler', c, b.wasm],
    })),
  ];
}

/** Runs a command once; returns wall-clock seconds and stdout, or throws with its stderr. */
function timeOnce(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  }
  return { seconds, stdout: r.stdout };
}

function kernelList() {
  const all = readdirSync(srcDir)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
  const only = process.env.BENCH_KERNELS?.split(',').filter(Boolean);
  return only?.length ? all.filter((k) => only.includes(k)) : all;
}

async function kernels(runs) {
  mkdirSync(outDir, { recursive: true });
  const list = kernelList();
  const builds = new Map(list.map((k) => [k, build(k)]));
  const times = new Map(list.map((k) => [k, new Map()]));
  const expected = new Map();
  for (let round = 0; round < runs; round++) {
    for (const k of list) {
      for (const r of runners(builds.get(k))) {
        const { seconds, stdout } = timeOnce(r.cmd, r.args);
        if (r.label === 'native' && !expected.has(k)) expected.set(k, stdout);
        if (stdout !== expected.get(k)) {
          throw new Error(
            `${k} under ${r.label} printed ${JSON.stringify(stdout)}, native printed ${JSON.stringify(expected.get(k))}`,
          );
        }
        const t = times.get(k);
        t.set(r.label, [...(t.get(r.label) ?? []), seconds]);
      }
    }
    process.stderr.write(`kernels: round ${round + 1}/${runs} done\n`);
  }
  const labels = ['node:wasi', ...COMPILERS];
  const ratios = new Map(labels.map((l) => [l, []]));
  const rows = [];
  const medians = [];
  for (const k of list) {
    const t = times.get(k);
    const native = summarize(t.get('native'));
    const row = { kernel: k, 'wasm KiB': Math.round(builds.get(k).wasmBytes / 1024), 'native s': native.min };
    const medianRow = { kernel: k, 'native s': native.median };
    for (const l of labels) {
      const s = summarize(t.get(l));
      const ratio = s.min / native.min;
      ratios.get(l).push(ratio);
      row[l === 'node:wasi' ? 'node:wasi ×' : `${l} ×`] = ratio;
      medianRow[l === 'node:wasi' ? 'node:wasi ×' : `${l} ×`] = s.median / native.median;
    }
    rows.push(row);
    medians.push(medianRow);
  }
  const summary = { kernel: 'geomean', 'wasm KiB': '', 'native s': '' };
  const worst = { kernel: 'worst', 'wasm KiB': '', 'native s': '' };
  for (const l of labels) {
    const key = l === 'node:wasi' ? 'node:wasi ×' : `${l} ×`;
    summary[key] = geomean(ratios.get(l));
    worst[key] = Math.max(...ratios.get(l));
  }
  rows.push(summary, worst);
  printTable(`Kernels: time / native (fastest of ${runs} runs; wasmer-ts run --no-cache --compiler X)`, rows);
  if (runs > 1) printTable('Kernels: median time / native median', medians);
  return { geomean: summary, worst };
}

function startup(runs) {
  const wasm = `${root}fixtures/simple.wasm`;
  const cases = [
    { label: 'node -e 0', args: ['-e', '0'] },
    ...['auto', 'baseline', 'optimizing'].map((c) => ({
      label: `run --invoke, ${c}`,
      args: [cli, 'run', '--no-cache', '--compiler', c, wasm, '--invoke', 'sum', '5', '37'],
    })),
  ];
  const samples = new Map(cases.map((c) => [c.label, []]));
  for (const c of cases) timeOnce(process.execPath, c.args); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const c of cases) samples.get(c.label).push(timeOnce(process.execPath, c.args).seconds * 1000);
  }
  const base = summarize(samples.get('run --invoke, baseline'));
  printTable(
    `Start-up: ${runs} interleaved runs each, ms`,
    cases.map((c) => {
      const s = summarize(samples.get(c.label));
      return { command: c.label, 'min ms': s.min, 'median ms': s.median, 'median / baseline': s.median / base.median };
    }),
  );
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export async function run() {
  const runs = positiveInt(process.env.BENCH_RUNS, 2);
  const before = load();
  await kernels(runs);
  startup(positiveInt(process.env.BENCH_STARTUP_RUNS, 20));
  // Shared machines disturb timings: say how busy this one was.
  console.log(
    `\nmachine: ${availableParallelism()} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; load average ${before} before, ${load()} after`,
  );
}
