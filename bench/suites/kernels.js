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
// all runners alike. Two tables: CPU time (user + system of the whole process,
// via GNU time), which a busy shared machine disturbs least, and wall time;
// each the fastest of the rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
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

const TIME = '/usr/bin/time'; // GNU time (Debian package "time"): the child's CPU seconds
const hasTime = existsSync(TIME);
const timeFile = join(tmpdir(), `wasmer-ts-kernels-${process.pid}.time`);

/**
 * Runs a command once; returns its wall-clock and CPU (user + system, all
 * threads) seconds and its stdout, or throws with its stderr. CPU time is what
 * a loaded machine disturbs least; wall time is what a user waits.
 */
function timeOnce(cmd, args) {
  const argv = hasTime ? ['-f', '%U %S', '-o', timeFile, cmd, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(hasTime ? TIME : cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  }
  let cpu = Number.NaN;
  if (hasTime) {
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = user + sys;
  }
  return { wall, cpu, stdout: r.stdout };
}

function kernelList() {
  const all = readdirSync(srcDir)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
  const only = process.env.BENCH_KERNELS?.split(',').filter(Boolean);
  return only?.length ? all.filter((k) => only.includes(k)) : all;
}

const LABELS = ['node:wasi', ...COMPILERS];
const column = (label) => `${label} ×`;

/** One table of ratios to native (fastest run of each), with geomean and worst rows. */
function ratioTable(title, list, builds, samples) {
  const ratios = new Map(LABELS.map((l) => [l, []]));
  const rows = list.map((k) => {
    const t = samples.get(k);
    const native = Math.min(...t.get('native'));
    const row = { kernel: k, 'wasm KiB': Math.round(builds.get(k).wasmBytes / 1024), 'native s': native };
    for (const l of LABELS) {
      const ratio = Math.min(...t.get(l)) / native;
      ratios.get(l).push(ratio);
      row[column(l)] = ratio;
    }
    return row;
  });
  const summary = { kernel: 'geomean', 'wasm KiB': '', 'native s': '' };
  const worst = { kernel: 'worst', 'wasm KiB': '', 'native s': '' };
  for (const l of LABELS) {
    summary[column(l)] = geomean(ratios.get(l));
    worst[column(l)] = Math.max(...ratios.get(l));
  }
  printTable(title, [...rows, summary, worst]);
}

async function kernels(runs) {
  mkdirSync(outDir, { recursive: true });
  const list = kernelList();
  const builds = new Map(list.map((k) => [k, build(k)]));
  const wall = new Map(list.map((k) => [k, new Map()]));
  const cpu = new Map(list.map((k) => [k, new Map()]));
  const expected = new Map();
  const add = (samples, k, label, v) => samples.get(k).set(label, [...(samples.get(k).get(label) ?? []), v]);
  for (let round = 0; round < runs; round++) {
    for (const k of list) {
      for (const r of runners(builds.get(k))) {
        const t = timeOnce(r.cmd, r.args);
        if (r.label === 'native' && !expected.has(k)) expected.set(k, t.stdout);
        if (t.stdout !== expected.get(k)) {
          throw new Error(
            `${k} under ${r.label} printed ${JSON.stringify(t.stdout)}, native printed ${JSON.stringify(expected.get(k))}`,
          );
        }
        add(wall, k, r.label, t.wall);
        add(cpu, k, r.label, t.cpu);
      }
    }
    process.stderr.write(`kernels: round ${round + 1}/${runs} done\n`);
  }
  const how = `fastest of ${runs}; wasmer-ts run --no-cache --compiler X`;
  if (hasTime) ratioTable(`Kernels: CPU time (user+sys) / native (${how})`, list, builds, cpu);
  ratioTable(`Kernels: wall time / native (${how})`, list, builds, wall);
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
  const wall = new Map(cases.map((c) => [c.label, []]));
  const cpu = new Map(cases.map((c) => [c.label, []]));
  for (const c of cases) timeOnce(process.execPath, c.args); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const t = timeOnce(process.execPath, c.args);
      wall.get(c.label).push(t.wall * 1000);
      cpu.get(c.label).push(t.cpu * 1000);
    }
  }
  const baseWall = summarize(wall.get('run --invoke, baseline')).median;
  const baseCpu = summarize(cpu.get('run --invoke, baseline')).median;
  printTable(
    `Start-up: ${runs} interleaved runs each, ms (medians; ratio to baseline)`,
    cases.map((c) => {
      const w = summarize(wall.get(c.label)).median;
      const u = summarize(cpu.get(c.label)).median;
      return {
        command: c.label,
        'wall ms': w,
        'wall / baseline': w / baseWall,
        'CPU ms': u,
        'CPU / baseline': u / baseCpu,
      };
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
