// The kernel suite (issues 6 and 9): classic compute kernels in C
// (bench/kernels/*.c), built to native x86-64 and to wasm32-wasi with clang
// -O2, run natively, under plain node:wasi with each candidate set of raw V8
// flags (Node's defaults, --no-liftoff, inlining where V8 leaves it off), and
// under `wasmer-ts run` as users start it, with its default settings (the
// cache too, fresh for each bench run) and with --no-cache. Prints time
// ratios to native and their geometric mean, and ours against the best raw
// flag set of the same run; every run's output must equal the native checksum.
//
//   npm run bench -- kernels
//   npm run bench -- --node 26 kernels             (another Node, fetched: scripts/fetch-node.js)
//   BENCH_RUNS=2 npm run bench -- kernels          (two rounds instead of one: twice the time)
//   BENCH_KERNELS=nbody,sieve npm run bench -- kernels
//
// Runs are interleaved (every runner once per round) so background load hits
// all runners alike. Two tables: CPU time (user + system of the whole process,
// via GNU time), which a busy shared machine disturbs least, and wall time;
// each the fastest of the rounds.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchNode, geomean, loadAverage, machineLine, positiveInt, printTable, wasmerTs } from '../lib.js';

export const name = 'kernels';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcDir = `${root}bench/kernels/`;
const outDir = `${root}bench/out/kernels/`;
const nodeWasi = `${srcDir}node-wasi.mjs`;

const NATIVE = ['clang', '-O2', '-o'];
const WASM = ['clang', '--target=wasm32-wasi', '-O2', '-o'];

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

/**
 * The raw V8 flag sets plain node:wasi runs with: Node's defaults, and the
 * candidates for "the best raw flags" on this Node (issue 9). The best is the
 * one with the lowest geometric mean, found in the same run.
 */
function rawFlagSets(v8Major) {
  const sets = [
    { label: 'defaults', flags: [] },
    { label: '--no-liftoff', flags: ['--no-liftoff'] },
  ];
  // Wasm-into-Wasm inlining: off by default before V8 13, under two names.
  if (v8Major === 11) sets.push({ label: '--no-liftoff --wasm-inlining', flags: ['--no-liftoff', '--wasm-inlining'] });
  if (v8Major === 12) {
    sets.push({ label: '--no-liftoff --exp-inlining', flags: ['--no-liftoff', '--experimental-wasm-inlining'] });
  }
  return sets;
}

function runners(b, rawSets, cacheHome) {
  const node = benchNode();
  const cli = wasmerTs();
  return [
    { label: 'native', cmd: b.native, args: [] },
    // --no-turbo-fast-api-calls: works around a node:wasi crash, see node-wasi.mjs; tiering stays as given.
    ...rawSets.map((set) => ({
      label: `raw ${set.label}`,
      cmd: node,
      args: ['--no-warnings', '--no-turbo-fast-api-calls', ...set.flags, nodeWasi, b.wasm],
    })),
    // Default settings, cache included (a fresh cache per bench run: the first round fills it).
    { label: 'wasmer-ts', cmd: cli.cmd, args: ['run', b.wasm], env: { ...cli.env, XDG_CACHE_HOME: cacheHome } },
    { label: 'wasmer-ts --no-cache', cmd: cli.cmd, args: ['run', '--no-cache', b.wasm], env: cli.env },
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
function timeOnce(cmd, args, env = process.env) {
  const argv = hasTime ? ['-f', '%U %S', '-o', timeFile, cmd, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(hasTime ? TIME : cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 24, env });
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

/**
 * One table of ratios to native (fastest run of each), with geomean and worst
 * rows, then ours against the best raw flag set (lowest geomean) of this run.
 */
function ratioTable(title, list, builds, samples, labels) {
  const ratios = new Map(labels.map((l) => [l, []]));
  const rows = list.map((k) => {
    const t = samples.get(k);
    const native = Math.min(...t.get('native'));
    const row = { kernel: k, 'wasm KiB': Math.round(builds.get(k).wasmBytes / 1024), 'native s': native };
    for (const l of labels) {
      const ratio = Math.min(...t.get(l)) / native;
      ratios.get(l).push(ratio);
      row[`${l} ×`] = ratio;
    }
    return row;
  });
  const summary = { kernel: 'geomean', 'wasm KiB': '', 'native s': '' };
  const worst = { kernel: 'worst', 'wasm KiB': '', 'native s': '' };
  for (const l of labels) {
    summary[`${l} ×`] = geomean(ratios.get(l));
    worst[`${l} ×`] = Math.max(...ratios.get(l));
  }
  printTable(title, [...rows, summary, worst]);
  const raw = labels.filter((l) => l.startsWith('raw '));
  const best = raw.reduce((a, b) => (summary[`${a} ×`] <= summary[`${b} ×`] ? a : b));
  const worstAt = (l) => list[ratios.get(l).indexOf(Math.max(...ratios.get(l)))];
  for (const ours of labels.filter((l) => l.startsWith('wasmer-ts'))) {
    const vsBest = summary[`${ours} ×`] / summary[`${best} ×`];
    console.log(
      `${ours}: geomean ${summary[`${ours} ×`].toFixed(3)}x native (worst ${worst[`${ours} ×`].toFixed(2)}x, ` +
        `${worstAt(ours)}); ${vsBest.toFixed(3)}x the best raw flags (${best.slice(4)}: ` +
        `${summary[`${best} ×`].toFixed(3)}x, worst ${worst[`${best} ×`].toFixed(2)}x, ${worstAt(best)})`,
    );
  }
}

async function kernels(runs) {
  mkdirSync(outDir, { recursive: true });
  const list = kernelList();
  const builds = new Map(list.map((k) => [k, build(k)]));
  const v8Major = Number(
    execFileSync(benchNode(), ['-p', 'process.versions.v8'], { encoding: 'utf8' }).trim().split('.')[0],
  );
  const rawSets = rawFlagSets(v8Major);
  const cacheHome = mkdtempSync(join(tmpdir(), 'wasmer-ts-kernels-cache-'));
  const wall = new Map(list.map((k) => [k, new Map()]));
  const cpu = new Map(list.map((k) => [k, new Map()]));
  const expected = new Map();
  const add = (samples, k, label, v) => samples.get(k).set(label, [...(samples.get(k).get(label) ?? []), v]);
  let labels = [];
  try {
    for (let round = 0; round < runs; round++) {
      for (const k of list) {
        const all = runners(builds.get(k), rawSets, cacheHome);
        labels = all.map((r) => r.label).filter((l) => l !== 'native');
        for (const r of all) {
          const t = timeOnce(r.cmd, r.args, r.env);
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
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
  const how = `fastest of ${runs}; raw = plain node:wasi with those V8 flags`;
  if (hasTime) ratioTable(`Kernels: CPU time (user+sys) / native (${how})`, list, builds, cpu, labels);
  ratioTable(`Kernels: wall time / native (${how})`, list, builds, wall, labels);
}

export async function run() {
  const runs = positiveInt(process.env.BENCH_RUNS, 1);
  const before = loadAverage();
  await kernels(runs);
  console.log(machineLine(before));
}
