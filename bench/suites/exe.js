// The standalone executable (issue 15: `npm run build:exe`, build/wasmer-ts),
// start-up against the Node it was built from and against the npm package:
// - `build/wasmer-ts run fixtures/simple.wasm --invoke sum 5 37` within 1.3x
//   `node -e 0` of that Node (the pinned Node 26), and within 0.7x of the npm
//   CLI on the system Node (bin/wasmer-ts.js run as a program, the `node` on
//   PATH being the system's);
// - a WASI hello world (clang-built), against a minimal node:wasi script on
//   the same Node 26, and the npm CLI on the system Node.
// Measured as the startup suite does (interleaved hyperfine rounds, medians;
// the machine-code cache emptied before every run).
//
// And `create-exe`'s first result: a generated C program of many functions
// (bench/suites/cache.js's large module, with a main that calls each once, so
// the result needs every function compiled) made into an executable, against a
// cold `build/wasmer-ts run --no-cache` of the same program and node:wasi.
//
//   npm run build:exe && npm run bench -- exe
//   EXE_ROUNDS=10 EXE_RUNS_PER_ROUND=5 npm run bench -- exe
// Needs hyperfine; skipped with a note when it or build/wasmer-ts is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleaved, loadAverage, machineLine, NODE_WASI_SCRIPT, positiveInt, printTable } from '../lib.js';
import { largeSource } from './cache.js';

export const name = 'exe';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXE = join(ROOT, 'build', 'wasmer-ts');
const ROUNDS = positiveInt(process.env.EXE_ROUNDS, 10);
const RUNS_PER_ROUND = positiveInt(process.env.EXE_RUNS_PER_ROUND, 5);

export async function run() {
  console.log('\n## exe');
  if (spawnSync('hyperfine', ['--version']).status !== 0) {
    console.log('\nskipped: hyperfine is not installed (apt-get install hyperfine)');
    return;
  }
  if (!existsSync(EXE)) {
    console.log('\nskipped: build/wasmer-ts is missing (npm run build:exe)');
    return;
  }
  const loadBefore = loadAverage();
  const pinned = JSON.parse(readFileSync(join(ROOT, 'scripts', 'nodes.json'), 'utf8'))['26'];
  const node26 = join(
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'fetch-node.js'), '26'], { encoding: 'utf8' }).trim(),
    'bin',
    'node',
  );
  const inside = execFileSync(EXE, ['--node-options=--version'], { encoding: 'utf8' }).trim();
  const system = execFileSync('node', ['--version'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-exe-bench-'));
  try {
    const nodeWasi = join(dir, 'node-wasi.mjs');
    writeFileSync(nodeWasi, NODE_WASI_SCRIPT);
    const hello = join(dir, 'hello.wasm');
    writeFileSync(join(dir, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n');
    const hasHello =
      spawnSync('clang', ['--target=wasm32-wasi', '-O2', join(dir, 'hello.c'), '-o', hello]).status === 0;
    const invoke = 'run fixtures/simple.wasm --invoke sum 5 37';
    // [label, command, baselines it is compared with, the targets (ratio at most)]
    const rows = [
      [`node ${pinned} -e 0`, `${node26} -e 0`, [], []],
      [`npm CLI ${invoke} (Node ${system.slice(1)})`, `bin/wasmer-ts.js ${invoke}`, [], []],
      [
        `build/wasmer-ts ${invoke}`,
        `${EXE} ${invoke}`,
        [`node ${pinned} -e 0`, `npm CLI ${invoke} (Node ${system.slice(1)})`],
        [1.3, 0.7],
      ],
      ...(hasHello
        ? [
            [`node:wasi hello.wasm (Node ${pinned})`, `${node26} --no-warnings ${nodeWasi} ${hello}`, [], []],
            [`npm CLI run hello.wasm (Node ${system.slice(1)})`, `bin/wasmer-ts.js run ${hello}`, [], []],
            [
              'build/wasmer-ts run hello.wasm',
              `${EXE} run ${hello}`,
              [`node:wasi hello.wasm (Node ${pinned})`, `npm CLI run hello.wasm (Node ${system.slice(1)})`],
              [null, null],
            ],
          ]
        : []),
    ];
    const timed = interleaved(
      rows.map(([, command]) => command),
      {
        rounds: ROUNDS,
        runs: RUNS_PER_ROUND,
        cwd: ROOT,
        env: { ...process.env, XDG_CACHE_HOME: dir },
        out: join(dir, 'hyperfine.json'),
        prepare: `rm -rf ${join(dir, 'wasmer-ts')}`,
      },
    );
    const at = (label) => rows.findIndex(([l]) => l === label);
    const table = [];
    rows.forEach(([label, , bases, targets], i) => {
      const row = { command: label, 'wall ms': timed.wall[i], 'min ms': timed.minWall[i], 'user+sys ms': timed.cpu[i] };
      if (bases.length === 0) table.push({ ...row, against: '', 'ratio (wall)': '', 'ratio (CPU)': '', target: '' });
      bases.forEach((base, k) => {
        const b = at(base);
        table.push({
          ...(k === 0 ? row : { command: '', 'wall ms': '', 'min ms': '', 'user+sys ms': '' }),
          against: base,
          'ratio (wall)': timed.wall[i] / timed.wall[b],
          'ratio (CPU)': timed.cpu[i] / timed.cpu[b],
          target: targets[k] === null ? '' : `<= ${targets[k]}`,
        });
      });
    });
    printTable(
      `exe: build/wasmer-ts (${(statSync(EXE).size / 2 ** 20).toFixed(1)} MiB, its Node ${inside}), ` +
        `${ROUNDS} interleaved rounds x ${RUNS_PER_ROUND} runs, medians`,
      table,
    );
    createExeRows(dir, node26, nodeWasi);
    console.log(machineLine(loadBefore));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `create-exe` of a program with EXE_FUNCTIONS generated functions (1100: about 4 MiB of code), timed to its result. */
function createExeRows(dir, node26, nodeWasi) {
  const functions = positiveInt(process.env.EXE_FUNCTIONS, 1100);
  const source = join(dir, 'many.c');
  const wasm = join(dir, 'many.wasm');
  writeFileSync(
    source,
    `${largeSource(functions)}#include <stdio.h>\nint main(void) { printf("%u\\n", run(1)); return 0; }\n`,
  );
  if (spawnSync('clang', ['--target=wasm32-wasi', '-O0', source, '-o', wasm]).status !== 0) {
    console.log('\ncreate-exe rows skipped: clang with wasi-libc could not build the program');
    return;
  }
  const app = join(dir, 'many-app');
  const made = spawnSync(EXE, ['create-exe', wasm, '-o', app, '--node', node26], { encoding: 'utf8' });
  if (made.status !== 0) {
    console.log(`\ncreate-exe rows skipped: ${made.stderr.trim()}`);
    return;
  }
  const rows = [
    ['cold: build/wasmer-ts run --no-cache many.wasm', `${EXE} run --no-cache ${wasm}`],
    ['node:wasi many.wasm (Node 26)', `${node26} --no-warnings ${nodeWasi} ${wasm}`],
    ['create-exe many-app (machine code inside)', app],
  ];
  const timed = interleaved(
    rows.map(([, command]) => command),
    {
      rounds: Math.max(2, ROUNDS >> 1),
      runs: 3,
      cwd: dir,
      env: { ...process.env, XDG_CACHE_HOME: dir },
      out: join(dir, 'hyperfine-exe.json'),
    },
  );
  printTable(
    `create-exe: first result of a program of ${functions} generated functions ` +
      `(${(statSync(wasm).size / 2 ** 20).toFixed(1)} MiB Wasm; the executable ${(statSync(app).size / 2 ** 20).toFixed(1)} MiB)`,
    rows.map(([label], i) => ({
      command: label,
      'wall ms': timed.wall[i],
      'user+sys ms': timed.cpu[i],
      'ratio to cold (wall)': timed.wall[i] / timed.wall[0],
      'ratio to cold (CPU)': timed.cpu[i] / timed.cpu[0],
    })),
  );
}
