// WASI 0.2 against preview1, the two targets of issue 14:
// - throughput: 100 MiB to stdout (a file), through wasi:io/streams against preview1's
//   fd_write, in-process, the two alternating: fixtures/components/stream-writer.wat
//   (64 KiB writes, as fixtures/wasi/writer.c makes through fd_write) and writer.c
//   adapted with the preview1 adapter (which writes in 4 KiB blocking-write-and-flush
//   calls, the most that call takes), each against writer.c as a core module;
// - start-up: `wasmer-ts run` of a C hello world as a core module and the same module
//   adapted into a command component (hyperfine, interleaved rounds, medians).
// The adapter is jco's (`jco new --wasi-command`, jco installed outside the repo on
// first use, see scripts/build-components.js); the hello world needs clang and wasi-libc.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Component, Instance, Module, runProgram, Wasi } from '../../dist/runtime/index.js';
import { jcoBin } from '../../scripts/build-components.js';
import { deleteEntries, interleaved, loadAverage, machineLine, printTable, summarize, wasmerTs } from '../lib.js';

export const name = 'wasi2';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MEGABYTES = 100;
const SAMPLES = 7;
const HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n';

function adapt(jco, wasm, out) {
  execFileSync(jco, ['new', wasm, '--wasi-command', '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** CPU and wall ms of one run writing to `path`, checked for size. */
async function timed(path, fn) {
  rmSync(path, { force: true });
  const fd = openSync(path, 'w');
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  await fn(fd);
  const wall = performance.now() - t0;
  const u = process.cpuUsage(u0);
  closeSync(fd);
  if (statSync(path).size !== MEGABYTES * 1048576) throw new Error(`${path}: wrong amount written`);
  return { wall, cpu: (u.user + u.system) / 1000 };
}

export async function run() {
  const loadBefore = loadAverage();
  const jco = jcoBin({ install: true });
  if (jco === null) {
    console.log('\n## wasi2\n\nskipped: jco could not be installed (it makes the adapted components)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-bench-wasi2-'));
  try {
    const writerWasm = join(ROOT, 'fixtures/wasi/writer.wasm');
    const writer = new Module(readFileSync(writerWasm));
    const streams = new Component(readFileSync(join(ROOT, 'fixtures/components/stream-writer.wasm')));
    const adapted = new Component(readFileSync(adapt(jco, writerWasm, join(dir, 'writer.component.wasm'))));
    const args = ['writer', String(MEGABYTES)];
    const runners = {
      preview1: (fd) => {
        const wasi = new Wasi({ args, stdout: { fd }, stdin: 'ignore' });
        if (wasi.start(new Instance(writer, wasi.getImports(writer))) !== 0) throw new Error('preview1 writer failed');
      },
      streams: async (fd) => {
        const r = await runProgram({ component: streams, wasi: { args, stdout: { fd }, stdin: 'ignore' } });
        if (r.exitCode !== 0) throw new Error('stream-writer failed');
      },
      adapter: async (fd) => {
        const r = await runProgram({ component: adapted, wasi: { args, stdout: { fd }, stdin: 'ignore' } });
        if (r.exitCode !== 0) throw new Error('adapted writer failed');
      },
    };
    const out = join(dir, 'stdout.bin');
    const times = { preview1: [], streams: [], adapter: [] };
    const keys = Object.keys(runners);
    for (let sample = 0; sample <= SAMPLES; sample++) {
      for (let k = 0; k < keys.length; k++) {
        const key = keys[(k + sample) % keys.length];
        const t = await timed(out, runners[key]);
        if (sample > 0) times[key].push(t);
      }
    }
    const med = (key, field) => summarize(times[key].map((t) => t[field])).median;
    const rows = keys.map((key) => ({
      case: {
        preview1: 'preview1 fd_write, 64 KiB',
        streams: 'wasi:io/streams write, 64 KiB',
        adapter: 'preview1 adapter, 4 KiB',
      }[key],
      'wall ms': med(key, 'wall'),
      'CPU ms': med(key, 'cpu'),
      'MiB/s': MEGABYTES / (med(key, 'wall') / 1000),
      'throughput vs preview1': med('preview1', 'wall') / med(key, 'wall'),
      'CPU vs preview1': med(key, 'cpu') / med('preview1', 'cpu'),
    }));
    printTable(
      `wasi2: ${MEGABYTES} MiB to stdout (a file), medians of ${SAMPLES} (target: at least half preview1's throughput)`,
      rows,
    );

    // Start-up of a hello world, core module against component.
    const helloC = join(dir, 'hello.c');
    writeFileSync(helloC, HELLO_C);
    const hello = join(dir, 'hello.wasm');
    if (spawnSync('clang', ['--target=wasm32-wasi', '-O2', helloC, '-o', hello]).status !== 0) {
      console.log('\nstart-up rows skipped: clang with wasi-libc is not installed');
    } else if (spawnSync('hyperfine', ['--version']).status !== 0) {
      console.log('\nstart-up rows skipped: hyperfine is not installed');
    } else {
      const helloComponent = adapt(jco, hello, join(dir, 'hello.component.wasm'));
      const { cmd, env } = wasmerTs();
      const empty = join(dir, 'cache');
      const warm = join(dir, 'warm');
      // Cold: a first run, nothing cached (the cache's entries, machine code and a component's
      // parse, and the CLI's marker that the component ran before, are deleted before every
      // run). Warm: every run but a user's first, with the machine code of the functions the
      // run calls and the component's parse. Each has its own XDG_CACHE_HOME (through `env`,
      // for all four alike): hyperfine's --prepare runs before every command's runs, and the
      // warm runs' markers must stay. wasmer-ts/js, the CLI's code cache (bin/bundle-loader.js),
      // stays warm for all four, as it is for a user after the first run of any program.
      const inCache = (home) => `env XDG_CACHE_HOME=${home} ${cmd}`;
      const commands = [
        `${inCache(empty)} run ${hello}`,
        `${inCache(empty)} run ${helloComponent}`,
        `${inCache(warm)} run ${hello}`,
        `${inCache(warm)} run ${helloComponent}`,
      ];
      const r = interleaved(commands, {
        rounds: 8,
        runs: 5,
        cwd: dir,
        env,
        out: join(dir, 'hyperfine.json'),
        prepare: deleteEntries(join(empty, 'wasmer-ts'), ['.wasmu', '.wcomp'], { seen: true }),
      });
      const row = (label, i, core) => ({
        case: label,
        'wall ms': r.wall[i],
        'CPU ms': r.cpu[i],
        ratio: r.wall[i] / r.wall[core],
        'CPU ratio': r.cpu[i] / r.cpu[core],
      });
      printTable(
        'wasi2: `wasmer-ts run` of a C hello world, core module against component, cache cold (a first run) and warm, 8 interleaved rounds x 5 runs, medians (target: component within 1.3x the core module)',
        [
          row('core module (preview1), cold', 0, 0),
          row('component (WASI 0.2, adapted), cold', 1, 0),
          row('core module (preview1), warm', 2, 2),
          row('component (WASI 0.2, adapted), warm', 3, 2),
        ],
      );
    }
    console.log(machineLine(loadBefore));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
