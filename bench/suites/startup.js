// CLI start-up, two targets (each within 1.2x):
// - `wasmer-ts run fixtures/simple.wasm --invoke sum 5 37` against a bare `node -e 0`;
// - `wasmer-ts run hello.wasm` (a clang-built C hello world, WASI) against the
//   same program under a minimal `node:wasi` script (CommonJS, which starts faster
//   than the same as an ES module, also shown; `node --no-warnings`, so its
//   ExperimentalWarning is not part of the time).
// Also: the same call done by a 4-line raw V8 script (the floor any CLI on Node
// pays; once more printing with fs.writeSync, as the CLI does), what a V8 flag
// given at start costs `node -e 0`, the hello world under node:wasi with the tier
// `run` gives programs (`--no-liftoff`: TurboFan on each function's first call,
// which the 1.2x target for `run hello.wasm` leaves out), `--compiler auto`
// against `--compiler baseline` (issue 6: auto within 10% of baseline), the commander path (`call ... --json`, and every command
// with WASMER_TS_FAST_PATH=0) and `--help`.
//
// The machine is shared and noisy: the commands run interleaved, in ROUNDS
// rounds of hyperfine with RUNS_PER_ROUND runs each (the order rotated every
// round), and the table shows medians over all runs: wall time, and CPU time
// (user+sys; hyperfine gives it per round, so the median of the round means).
// Ratios are of medians. The machine-code cache (XDG_CACHE_HOME) is emptied
// before every run (hyperfine --prepare), so every run is a lookup that misses:
// on a loaded machine a run passes the 50 ms that fill an entry, and the next
// run's hit (the native addon, reading and checking the entry) costs tiny
// modules more than the miss it replaces, so results would depend on the load.
// The CLI's JavaScript code cache (bin/bundle-loader.js, on every Node) stays
// warm, as it is for a user after the first run.
//
//   npm run bench -- startup
//   STARTUP_ROUNDS=10 STARTUP_RUNS_PER_ROUND=5 npm run bench -- startup
//   PATH=/path/to/node26/bin:$PATH npm run bench -- startup     (another Node, installed with it)
// STARTUP_NODE_FLAGS go to every node command (the launcher rows pick their own).
// Needs hyperfine (Debian package); prints a note and skips without it. The
// hello-world rows need clang and wasi-libc.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteEntries, interleaved, NODE_WASI_SCRIPT, NODE_WASI_SCRIPT_CJS, printTable } from '../lib.js';

export const name = 'startup';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 12);
const RUNS_PER_ROUND = Number(process.env.STARTUP_RUNS_PER_ROUND ?? 5);
const NODE_FLAGS = (process.env.STARTUP_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
const TARGET = 1.2;

const HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n';

// CommonJS: an ES module entry costs Node's ESM loader (13 ms on Node 20), which the CLI does not pay.
const RAW_SCRIPT = [
  "const { readFileSync } = require('node:fs');",
  'const m = new WebAssembly.Module(readFileSync(process.argv[2]));',
  'const i = new WebAssembly.Instance(m);',
  "process.stdout.write(String(i.exports.sum(5, 37)) + '\\n');",
].join('\n');

export async function run() {
  if (spawnSync('hyperfine', ['--version']).status !== 0) {
    console.log('\n## startup\n\nskipped: hyperfine is not installed (apt-get install hyperfine)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-startup-'));
  try {
    const raw = join(dir, 'raw.cjs');
    writeFileSync(raw, RAW_SCRIPT);
    // As the CLI prints: process.stdout's first use loads Node's stream modules.
    const rawWriteSync = join(dir, 'raw-write-sync.cjs');
    writeFileSync(
      rawWriteSync,
      RAW_SCRIPT.replace('{ readFileSync }', '{ readFileSync, writeSync }').replace(
        'process.stdout.write(',
        'writeSync(1, ',
      ),
    );
    const nodeWasi = join(dir, 'node-wasi.cjs');
    writeFileSync(nodeWasi, NODE_WASI_SCRIPT_CJS);
    const nodeWasiEsm = join(dir, 'node-wasi.mjs');
    writeFileSync(nodeWasiEsm, NODE_WASI_SCRIPT);
    const hello = join(dir, 'hello.wasm');
    writeFileSync(join(dir, 'hello.c'), HELLO_C);
    const hasHello =
      spawnSync('clang', ['--target=wasm32-wasi', '-O2', join(dir, 'hello.c'), '-o', hello]).status === 0 &&
      existsSync(hello);

    const node = [process.execPath, ...NODE_FLAGS].join(' ');
    const cli = `${node} bin/wasmer-ts.js`;
    // As users start it: the launcher (bin/wasmer-ts.js run as a program) picks V8's flags and
    // execs the \`node\` on PATH, which is this one (\`PATH=<node>/bin:$PATH npm run bench\`).
    const launched = 'bin/wasmer-ts.js';
    const invoke = 'fixtures/simple.wasm --invoke sum 5 37';
    const slow = `env WASMER_TS_FAST_PATH=0 ${cli}`;
    // [label, command, the label it is compared with]
    const commands = [
      ['node -e 0', `${node} -e 0`, null],
      ['raw V8 script (floor)', `${node} ${raw} fixtures/simple.wasm`, 'node -e 0'],
      ['same, printing with fs.writeSync', `${node} ${rawWriteSync} fixtures/simple.wasm`, 'node -e 0'],
      // What a V8 flag given at start costs Node itself: it compiles its own modules from source.
      ['node --no-liftoff -e 0', `${node} --no-liftoff -e 0`, 'node -e 0'],
      ['run --invoke sum 5 37', `${launched} run ${invoke}`, 'node -e 0'],
      ['node bin/wasmer-ts.js run --invoke', `${cli} run ${invoke}`, 'node -e 0'],
      ['run --compiler auto ... --invoke', `${cli} run --compiler auto ${invoke}`, 'node -e 0'],
      ['run --compiler baseline ... --invoke', `${cli} run --compiler baseline ${invoke}`, 'node -e 0'],
      ['run --invoke (commander path)', `${slow} run ${invoke}`, 'node -e 0'],
      ['call sum 5 37 --json (commander path)', `${cli} call fixtures/simple.wasm sum 5 37 --json`, 'node -e 0'],
      ['--help', `${cli} --help`, 'node -e 0'],
      ...(hasHello
        ? [
            ['node:wasi hello.wasm (minimal script)', `${node} --no-warnings ${nodeWasi} ${hello}`, null],
            [
              'same, as an ES module',
              `${node} --no-warnings ${nodeWasiEsm} ${hello}`,
              'node:wasi hello.wasm (minimal script)',
            ],
            // The tier `run` gives a program (TurboFan on each function's first call, issue 9),
            // given to node:wasi itself: its hello world's cost with nothing of ours.
            [
              'same, node --no-liftoff',
              `${node} --no-warnings --no-liftoff ${nodeWasi} ${hello}`,
              'node:wasi hello.wasm (minimal script)',
            ],
            ['run hello.wasm', `${launched} run ${hello}`, 'node:wasi hello.wasm (minimal script)'],
            // Every run but a user's first: the machine code of the functions it ran is in the cache.
            [
              'run hello.wasm, machine code cached',
              `${launched} run --cache-dir ${join(dir, 'warm')} ${hello}`,
              'node:wasi hello.wasm (minimal script)',
            ],
            ['node bin/wasmer-ts.js run hello.wasm', `${cli} run ${hello}`, 'node:wasi hello.wasm (minimal script)'],
            ['run hello.wasm (commander path)', `${slow} run ${hello}`, 'node:wasi hello.wasm (minimal script)'],
          ]
        : []),
    ];
    const env = { ...process.env, XDG_CACHE_HOME: dir };
    const timed = interleaved(
      commands.map(([, command]) => command),
      {
        rounds: ROUNDS,
        runs: RUNS_PER_ROUND,
        cwd: ROOT,
        env,
        out: join(dir, 'hyperfine.json'),
        // The machine-code entries only: wasmer-ts/js, the CLI's own code cache
        // (bin/bundle-loader.js), stays, and so does the `warm` row's --cache-dir.
        prepare: deleteEntries(join(dir, 'wasmer-ts'), ['.wasmu']),
      },
    );
    const medianWall = timed.wall;
    const medianCpu = timed.cpu;
    const indexOf = (label) => commands.findIndex(([l]) => l === label);
    printTable(
      `startup: ${ROUNDS} interleaved rounds x ${RUNS_PER_ROUND} runs (hyperfine), medians; ` +
        `ratio = median / median of the baseline (target for the two marked rows: <= ${TARGET})` +
        (NODE_FLAGS.length > 0 ? `; node ${NODE_FLAGS.join(' ')}` : ''),
      commands.map(([label, , base], i) => {
        const b = base === null ? i : indexOf(base);
        const target = label === 'run --invoke sum 5 37' || label === 'run hello.wasm';
        return {
          command: `${label}${target ? ' *' : ''}`,
          baseline: base ?? '',
          'wall ms': medianWall[i],
          'min ms': timed.minWall[i],
          'user+sys ms': medianCpu[i],
          'ratio (wall)': medianWall[i] / medianWall[b],
          'ratio (CPU)': medianCpu[i] / medianCpu[b],
        };
      }),
    );
    const auto = indexOf('run --compiler auto ... --invoke');
    const baseline = indexOf('run --compiler baseline ... --invoke');
    const pct = (a, b) => `${((a / b - 1) * 100).toFixed(1)}%`;
    console.log(
      `\n--compiler auto vs baseline: wall ${pct(medianWall[auto], medianWall[baseline])}, ` +
        `CPU ${pct(medianCpu[auto], medianCpu[baseline])} (issue 6: within 10%)` +
        `\nNode ${process.version}; load average ${loadavg()[0].toFixed(2)} at the end`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
