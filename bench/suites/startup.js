// CLI start-up: wall time of `wasmer-ts run fixtures/simple.wasm --invoke sum 5 37`
// against a bare `node -e 0` in the same hyperfine run (target: within 1.3x),
// plus the same work done by a 4-line raw V8 script (the floor any CLI on Node
// pays), `--compiler auto` against `--compiler baseline` (issue 6: auto within
// 10% of baseline; both take the commander path, as any flag does), the full
// commander path (`call ... --json`) and `--help`.
// The machine-code cache is a fresh empty directory (XDG_CACHE_HOME), so every
// run is a lookup that misses, whatever the user's cache holds.
// Needs hyperfine (Debian package); prints a note and skips without it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from '../lib.js';

export const name = 'startup';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 60);

export async function run() {
  if (spawnSync('hyperfine', ['--version']).status !== 0) {
    console.log('\n## startup\n\nskipped: hyperfine is not installed (apt-get install hyperfine)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-startup-'));
  try {
    const raw = join(dir, 'raw.mjs');
    writeFileSync(
      raw,
      [
        "import { readFileSync } from 'node:fs';",
        'const m = new WebAssembly.Module(readFileSync(process.argv[2]));',
        'const i = new WebAssembly.Instance(m);',
        "process.stdout.write(String(i.exports.sum(5, 37)) + '\\n');",
      ].join('\n'),
    );
    const node = process.execPath;
    const commands = [
      ['node -e 0', `${node} -e 0`],
      ['raw V8 script (floor)', `${node} ${raw} fixtures/simple.wasm`],
      ['run --invoke sum 5 37', `${node} bin/wasmer-ts.js run fixtures/simple.wasm --invoke sum 5 37`],
      [
        'run --invoke ... --compiler auto',
        `${node} bin/wasmer-ts.js run fixtures/simple.wasm --invoke sum 5 37 --compiler auto`,
      ],
      [
        'run --invoke ... --compiler baseline',
        `${node} bin/wasmer-ts.js run fixtures/simple.wasm --invoke sum 5 37 --compiler baseline`,
      ],
      ['call sum 5 37 --json', `${node} bin/wasmer-ts.js call fixtures/simple.wasm sum 5 37 --json`],
      ['--help', `${node} bin/wasmer-ts.js --help`],
    ];
    const out = join(dir, 'hyperfine.json');
    execFileSync(
      'hyperfine',
      ['-N', '--warmup', '5', '--runs', String(RUNS), '--export-json', out, ...commands.map(([, c]) => c)],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, XDG_CACHE_HOME: dir } },
    );
    const { results } = JSON.parse(readFileSync(out, 'utf8'));
    const base = results[0];
    printTable(
      `startup (hyperfine, ${RUNS} runs each; ratio = mean / mean of node -e 0; target for run --invoke: <= 1.3)`,
      results.map((r, i) => ({
        command: commands[i][0],
        'mean ms': r.mean * 1000,
        'min ms': r.min * 1000,
        'user+sys ms': (r.user + r.system) * 1000,
        'ratio (mean)': r.mean / base.mean,
        'ratio (min)': r.min / base.min,
        'ratio (CPU)': (r.user + r.system) / (base.user + base.system),
      })),
    );
    const byName = (label) => results[commands.findIndex(([l]) => l === label)];
    const auto = byName('run --invoke ... --compiler auto');
    const baseline = byName('run --invoke ... --compiler baseline');
    const pct = (a, b) => `${((a / b - 1) * 100).toFixed(1)}%`;
    console.log(
      `\n--compiler auto vs baseline: mean ${pct(auto.mean, baseline.mean)}, min ${pct(auto.min, baseline.min)}, ` +
        `CPU ${pct(auto.user + auto.system, baseline.user + baseline.system)} (issue 6: within 10%)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
