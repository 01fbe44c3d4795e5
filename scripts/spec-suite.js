#!/usr/bin/env node
// Runs the WebAssembly core testsuite (github.com/WebAssembly/testsuite) twice on
// each Node: once through raw V8 (the plain WebAssembly.* JS API) and once through
// wasmer-ts's public API (dist/runtime/index.js: Module, Instance, Value, Memory,
// Global, Table), and prints, file by file, how many assertions each passed.
//
//   node scripts/spec-suite.js --testsuite DIR --wast2json PATH [--node PATH ...]
//        [--cache DIR] [--jobs N] [--failures N] [FILE ...]
//
// FILE filters by .wast name (`i32`, `simd_lane.wast`). The .wast files are the
// testsuite's top level (WebAssembly 3.0: GC, exceptions, memory64, tail calls,
// relaxed SIMD... are merged there); `proposals/` holds post-3.0 proposals only.
// They are converted with wabt's wast2json (1.0.37+ reads 3.0 syntax) into
// --cache (default ~/.cache/wasmer-ts-spec/json), keyed by the file's hash and
// the wast2json version. Each (file, side) runs in its own child process of the
// chosen Node, so a crash or an exhausted stack costs one file only.
//
// Both sides get the same inputs: i64 as bigint, f32/f64 from their bit patterns
// (a JS number cannot carry an f32 signalling NaN; both sides lose it alike),
// results compared by bits through a DataView (nan:canonical and nan:arithmetic
// by mask), v128 as Value.v128 (raw V8 cannot pass v128 at all), externref as
// one object per host-ref number. Text-format assert_malformed modules are
// skipped on both sides (neither API takes text). Exit status 1 when ours passed
// fewer assertions than raw V8 on any file, 2 for a usage error.
// Nothing from the testsuite is committed to this repository.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const REPO = resolve(dirname(SCRIPT), '..');
const ASSERTIONS = new Set([
  'assert_return',
  'assert_trap',
  'assert_exhaustion',
  'assert_invalid',
  'assert_malformed',
  'assert_unlinkable',
  'assert_uninstantiable',
  'assert_exception',
]);

// ---------------------------------------------------------------------------
// Parent: convert, spawn, tabulate.

function usage(message) {
  console.error(`spec-suite: ${message}`);
  console.error(
    'usage: node scripts/spec-suite.js --testsuite DIR --wast2json PATH [--node PATH ...] [--cache DIR] [--jobs N] [--failures N] [FILE ...]',
  );
  return 2;
}

async function main(argv) {
  const nodes = [];
  const filters = [];
  let testsuite;
  let wast2json;
  let cache = join(homedir(), '.cache', 'wasmer-ts-spec', 'json');
  let jobs = 2;
  let failuresShown = 5;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === '--testsuite') testsuite = resolve(next());
      else if (arg === '--wast2json') wast2json = resolve(next());
      else if (arg === '--node') nodes.push(next());
      else if (arg === '--cache') cache = resolve(next());
      else if (arg === '--jobs') jobs = Number(next());
      else if (arg === '--failures') failuresShown = Number(next());
      else if (arg.startsWith('--')) return usage(`unknown flag ${arg}`);
      else filters.push(arg.replace(/\.wast$/, ''));
    } catch (e) {
      return usage(e.message);
    }
  }
  if (testsuite === undefined || !existsSync(testsuite))
    return usage('--testsuite DIR (a checkout of WebAssembly/testsuite) is required');
  if (wast2json === undefined || !existsSync(wast2json))
    return usage('--wast2json PATH (wabt 1.0.37 or later) is required');
  if (!Number.isInteger(jobs) || jobs < 1) return usage(`--jobs must be a positive integer, got ${jobs}`);
  if (!existsSync(join(REPO, 'dist', 'runtime', 'index.js')))
    return usage('dist/ is missing: run `npm run build` first');
  if (nodes.length === 0) nodes.push(process.execPath);

  const version = spawnSync(wast2json, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const commit = readCommit(testsuite);
  const wasts = readdirSync(testsuite)
    .filter((f) => f.endsWith('.wast'))
    .filter((f) => filters.length === 0 || filters.includes(f.replace(/\.wast$/, '')))
    .sort();
  if (wasts.length === 0) return usage(`no .wast file matches ${filters.join(' ')}`);
  console.log(`testsuite ${testsuite}${commit ? ` (commit ${commit})` : ''}; wast2json ${version}`);

  const converted = [];
  const unconverted = [];
  for (const wast of wasts) {
    const result = convert(join(testsuite, wast), cache, wast2json, version);
    if (result.json === null) unconverted.push({ wast, error: result.error });
    else converted.push({ wast, json: result.json });
  }
  for (const { wast, error } of unconverted) console.log(`not converted: ${wast}: ${error}`);

  let status = 0;
  for (const node of nodes) {
    const nodeVersion = spawnSync(node, ['-p', 'process.versions.node + " (V8 " + process.versions.v8 + ")"'], {
      encoding: 'utf8',
    }).stdout.trim();
    console.log(`\nNode ${nodeVersion} (${node})`);
    const rows = await pool(converted, jobs, async ({ wast, json }) => {
      const [raw, ours] = [await runChild(node, 'raw', json), await runChild(node, 'ours', json)];
      return { wast, json, raw, ours };
    });
    if (printTable(rows, failuresShown)) status = 1;
  }
  return status;
}

function readCommit(dir) {
  const file = join(dir, 'COMMIT');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const git = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : null;
}

// WebAssembly 3.0's proposals beyond wabt's defaults. Not --enable-all: that also writes
// post-3.0 encodings (compact imports, import kind 0x7f) that no V8 reads.
const WAST2JSON_FEATURES = [
  '--enable-exceptions',
  '--enable-function-references',
  '--enable-tail-call',
  '--enable-gc',
  '--enable-memory64',
  '--enable-multi-memory',
  '--enable-extended-const',
  '--enable-relaxed-simd',
  '--enable-annotations',
];

/** Converts one .wast into `cache/<hash>/<name>.json` (once per content and wast2json version). */
function convert(wastPath, cache, wast2json, version) {
  const source = readFileSync(wastPath);
  const key = createHash('sha256')
    .update(version)
    .update(WAST2JSON_FEATURES.join(' '))
    .update('\0')
    .update(source)
    .digest('hex')
    .slice(0, 16);
  const name = basename(wastPath, '.wast');
  const dir = join(cache, `${name}-${key}`);
  const json = join(dir, `${name}.json`);
  if (existsSync(json)) return { json };
  const failed = join(dir, 'FAILED');
  if (existsSync(failed)) return { json: null, error: readFileSync(failed, 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(wast2json, [...WAST2JSON_FEATURES, wastPath, '-o', json], { encoding: 'utf8' });
  if (run.status === 0 && existsSync(json)) return { json };
  const error = (run.stderr || run.error?.message || `exit ${run.status}`).split('\n')[0];
  writeFileSync(failed, error);
  return { json: null, error };
}

async function pool(items, jobs, work) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return out;
}

const CHILD_TIMEOUT_MS = 300_000;

/** Runs one side of one file; a child that dies early fails the assertions it did not report. */
function runChild(node, side, json) {
  return new Promise((done) => {
    const proc = spawn(node, [SCRIPT, '--child', side, json], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const results = new Map();
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const r = JSON.parse(line);
        results.set(r.index, r);
      }
      const died =
        code === 0 ? null : `child exited ${signal ?? code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`;
      done({ results, died });
    });
  });
}

/** Prints one Node's table; returns whether ours passed fewer than raw on some file. */
function printTable(rows, failuresShown) {
  const header = ['file', 'assertions', 'skipped', 'raw V8', 'ours', 'ours - raw'];
  const lines = [];
  const totals = { assertions: 0, skipped: 0, raw: 0, ours: 0 };
  const worse = [];
  for (const { wast, json, raw, ours } of rows) {
    const { commands } = JSON.parse(readFileSync(json, 'utf8'));
    let assertions = 0;
    let skipped = 0;
    let rawPassed = 0;
    let oursPassed = 0;
    const regressions = [];
    commands.forEach((command, index) => {
      if (command.type === 'module') {
        const r = raw.results.get(index);
        const o = ours.results.get(index);
        if (r?.ok && !o?.ok) regressions.push({ line: command.line, type: 'module', what: o?.detail ?? ours.died });
        return;
      }
      if (!ASSERTIONS.has(command.type)) return;
      if (command.type === 'assert_malformed' && command.module_type === 'text') {
        skipped++;
        return;
      }
      assertions++;
      const r = raw.results.get(index);
      const o = ours.results.get(index);
      if (r?.ok) rawPassed++;
      if (o?.ok) oursPassed++;
      if (r?.ok && !o?.ok) regressions.push({ line: command.line, type: command.type, what: o?.detail ?? ours.died });
    });
    totals.assertions += assertions;
    totals.skipped += skipped;
    totals.raw += rawPassed;
    totals.ours += oursPassed;
    lines.push([wast, assertions, skipped, rawPassed, oursPassed, oursPassed - rawPassed]);
    if (oursPassed < rawPassed) worse.push({ wast, regressions, died: ours.died });
  }
  lines.push(['total', totals.assertions, totals.skipped, totals.raw, totals.ours, totals.ours - totals.raw]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(format(header));
  for (const l of lines) console.log(format(l));
  for (const { wast, regressions, died } of worse) {
    console.log(`\nours < raw V8 in ${wast}${died ? ` (${died})` : ''}:`);
    for (const r of regressions.slice(0, failuresShown)) console.log(`  line ${r.line} ${r.type}: ${r.what}`);
    if (regressions.length > failuresShown) console.log(`  ... and ${regressions.length - failuresShown} more`);
  }
  return worse.length > 0;
}

// ---------------------------------------------------------------------------
// Child: one side of one JSON command file. Prints one JSON line per assertion.

/** The two sides: how each compiles, links, calls, and which errors it throws. */
async function engineFor(side) {
  const print = () => {};
  const printers = {
    print,
    print_i32: print,
    print_i64: print,
    print_f32: print,
    print_f64: print,
    print_i32_f32: print,
    print_f64_f64: print,
  };
  // Only where V8 has table64: the descriptor's `address` is ignored by older V8s.
  const table64 = () => {
    try {
      return new WebAssembly.Table({ element: 'anyfunc', initial: 10n, maximum: 20n, address: 'i64' });
    } catch {
      return undefined;
    }
  };
  if (side === 'raw') {
    return {
      spectest: () => ({
        ...printers,
        global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
        global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
        global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
        global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
        memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
        table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
        table64: table64(),
      }),
      compile: (bytes) => new WebAssembly.Module(bytes),
      instantiate: (module, imports) => new WebAssembly.Instance(module, imports).exports,
      isCompileError: (e) => e instanceof WebAssembly.CompileError,
      // The JS API throws TypeError for a missing import namespace: still a link failure.
      isLinkError: (e) => e instanceof WebAssembly.LinkError || e instanceof TypeError,
      isTrap: (e) => e instanceof WebAssembly.RuntimeError,
      isExhaustion: (e) => e instanceof RangeError,
      isException: (e) => e instanceof WebAssembly.Exception,
      v128: (big) => big,
      result: (v) => v,
      global: (g) => g.value,
    };
  }
  const api = await import(pathToFileURL(join(REPO, 'dist', 'runtime', 'index.js')).href);
  return {
    spectest: () => ({
      ...printers,
      global_i32: new api.Global({ type: 'i32' }, 666),
      global_i64: new api.Global({ type: 'i64' }, 666n),
      global_f32: new api.Global({ type: 'f32' }, 666.6),
      global_f64: new api.Global({ type: 'f64' }, 666.6),
      memory: new api.Memory({ minimum: 1, maximum: 2 }),
      table: new api.Table({ elementType: 'funcref', minimum: 10, maximum: 20 }),
      // Our Table has no table64 form; Instance takes a raw WebAssembly.Table as well.
      table64: table64(),
    }),
    compile: (bytes) => new api.Module(bytes),
    instantiate: (module, imports) => new api.Instance(module, imports).exports,
    isCompileError: (e) => e instanceof api.CompileError,
    isLinkError: (e) => e instanceof api.LinkError,
    isTrap: (e) => e instanceof api.Trap && e.reason !== 'call stack exhausted',
    isExhaustion: (e) => e instanceof api.Trap && e.reason === 'call stack exhausted',
    isException: (e) => e instanceof api.WasmException,
    v128: (big) => api.Value.v128(big),
    result: (v) => (v instanceof api.Value ? v.value : v),
    global: (g) => (g instanceof api.Global ? g.value : undefined),
  };
}

/**
 * An array that holds its numbers boxed. V8 stores an array of only numbers as raw
 * doubles and quiets every NaN it stores there (sets the quiet bit), which would lose
 * the signalling NaNs the float tests pass and expect: a filled array never becomes one.
 */
function genericArray(length) {
  return new Array(length).fill(undefined);
}

const scratch = new DataView(new ArrayBuffer(16));
const hostRefs = new Map();

/** One JS object per host-ref number, as the spec's JS harness does. */
function hostRef(n) {
  let ref = hostRefs.get(n);
  if (ref === undefined) {
    ref = { hostref: Number(n) };
    hostRefs.set(n, ref);
  }
  return ref;
}

const LANES = {
  i8: [16, 1],
  i16: [8, 2],
  i32: [4, 4],
  i64: [2, 8],
  f32: [4, 4],
  f64: [2, 8],
};

function setLane(view, type, i, text) {
  const size = LANES[type][1];
  if (size === 1) view.setUint8(i, Number(BigInt.asUintN(8, BigInt(text))));
  else if (size === 2) view.setUint16(2 * i, Number(BigInt.asUintN(16, BigInt(text))), true);
  else if (size === 4) view.setUint32(4 * i, Number(BigInt.asUintN(32, BigInt(text))), true);
  else view.setBigUint64(8 * i, BigInt.asUintN(64, BigInt(text)), true);
}

function v128FromLanes(type, lanes) {
  for (const [i, text] of lanes.entries()) setLane(scratch, type, i, text);
  return (scratch.getBigUint64(8, true) << 64n) | scratch.getBigUint64(0, true);
}

/** A wast2json argument as a JS value, the same for both sides but v128. */
function argument(v, engine) {
  switch (v.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, BigInt(v.value)));
    case 'i64':
      return BigInt.asIntN(64, BigInt(v.value));
    case 'f32':
      scratch.setUint32(0, Number(v.value));
      return scratch.getFloat32(0);
    case 'f64':
      scratch.setBigUint64(0, BigInt(v.value));
      return scratch.getFloat64(0);
    case 'v128':
      return engine.v128(v128FromLanes(v.lane_type, v.value));
    default:
      // References: `null`, or a host reference (externref, or anyref of a host value).
      return v.value === 'null' || v.value === undefined ? null : hostRef(v.value);
  }
}

function f32Bits(x) {
  scratch.setFloat32(0, x);
  return scratch.getUint32(0);
}

function f64Bits(x) {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

/** Whether float `bits` (as bigint) of `width` match `text`: a bit pattern, nan:canonical or nan:arithmetic. */
function floatMatches(bits, width, text) {
  const quiet = width === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
  const sign = width === 32 ? 0x80000000n : 0x8000000000000000n;
  if (text === 'nan:canonical') return (bits & ~sign) === quiet;
  if (text === 'nan:arithmetic') return (bits & quiet) === quiet;
  return bits === BigInt(text);
}

function laneBits(big, type, i) {
  scratch.setBigUint64(0, big & 0xffffffffffffffffn, true);
  scratch.setBigUint64(8, big >> 64n, true);
  const size = LANES[type][1];
  if (size === 1) return BigInt(scratch.getUint8(i));
  if (size === 2) return BigInt(scratch.getUint16(2 * i, true));
  if (size === 4) return BigInt(scratch.getUint32(4 * i, true));
  return scratch.getBigUint64(8 * i, true);
}

/** Null when `got` matches the expected wast2json value, else why not. */
function mismatch(expected, got) {
  const show = () => `got ${describe(got)}, expected ${describeExpected(expected)}`;
  switch (expected.type) {
    case 'either':
      return expected.values.some((e) => mismatch(e, got) === null) ? null : show();
    case 'i32':
      return typeof got === 'number' && (got | 0) === Number(BigInt.asIntN(32, BigInt(expected.value))) ? null : show();
    case 'i64':
      return typeof got === 'bigint' && BigInt.asIntN(64, got) === BigInt.asIntN(64, BigInt(expected.value))
        ? null
        : show();
    case 'f32':
      return typeof got === 'number' && floatMatches(BigInt(f32Bits(got)), 32, expected.value) ? null : show();
    case 'f64':
      return typeof got === 'number' && floatMatches(f64Bits(got), 64, expected.value) ? null : show();
    case 'v128': {
      if (typeof got !== 'bigint') return show();
      const type = expected.lane_type;
      const width = LANES[type][1] * 8;
      const ok = expected.value.every((text, i) => {
        const bits = laneBits(got, type, i);
        if (type === 'f32' || type === 'f64') return floatMatches(bits, width, text);
        return bits === BigInt.asUintN(width, BigInt(text));
      });
      return ok ? null : show();
    }
    default:
      return refMismatch(expected, got) ? show() : null;
  }
}

/** Whether a reference result fails to match: null, a host ref by number, or "some non-null ref of this kind". */
function refMismatch(expected, got) {
  const { type, value } = expected;
  if (value === 'null') return got !== null;
  // wast2json writes `(ref.func)`, any non-null funcref, with a value it cannot name.
  if (type === 'funcref' && value !== undefined) return typeof got !== 'function';
  if (value !== undefined) return got !== hostRef(value);
  if (got === null || got === undefined) return true;
  if (type === 'funcref') return typeof got !== 'function';
  // V8 hands i31 references to JS as numbers, structs and arrays as opaque objects.
  if (type === 'i31ref') return typeof got !== 'number';
  if (type === 'structref' || type === 'arrayref') return typeof got !== 'object' || hostRefs.has(got.hostref);
  return false;
}

function describe(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number')
    return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? `NaN(0x${f64Bits(v).toString(16)})` : String(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (typeof v === 'function') return 'a function';
  if (v !== null && typeof v === 'object' && 'hostref' in v) return `hostref ${v.hostref}`;
  return String(v);
}

function describeExpected(e) {
  if (e.type === 'either') return e.values.map(describeExpected).join(' or ');
  return `${e.type}${e.lane_type ? `x${e.lane_type}` : ''} ${Array.isArray(e.value) ? e.value.join(' ') : (e.value ?? '')}`.trim();
}

function describeError(e) {
  if (e instanceof Error) return `${e.constructor.name}${e.code ? ` ${e.code}` : ''}: ${e.message.split('\n')[0]}`;
  return `threw ${describe(e)}`;
}

async function child(side, jsonPath) {
  const dir = dirname(jsonPath);
  const { commands } = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const engine = await engineFor(side);
  const registry = { spectest: engine.spectest() };
  const named = new Map();
  let current = null;
  const emit = (index, ok, detail) => {
    process.stdout.write(`${JSON.stringify({ index, ok, detail })}\n`);
  };
  const bytesOf = (command) => readFileSync(join(dir, command.filename));
  const instantiate = (command) => engine.instantiate(engine.compile(bytesOf(command)), registry);
  const exportsOf = (action) => {
    const exports = action.module === undefined ? current : named.get(action.module);
    if (exports === null || exports === undefined) throw new Error(`no module ${action.module ?? '(current)'}`);
    return exports;
  };
  const perform = (action, n) => {
    const exports = exportsOf(action);
    const target = exports[action.field];
    if (action.type === 'get') return [engine.result(engine.global(target))];
    const args = genericArray(action.args.length);
    for (const [i, a] of action.args.entries()) args[i] = argument(a, engine);
    const out = target(...args);
    if (n === undefined) return out;
    const results = genericArray(n);
    if (n === 1) results[0] = engine.result(out);
    else for (let i = 0; i < n; i++) results[i] = engine.result(out[i]);
    return results;
  };
  const label = (action) => `${action.type} ${action.field}(${(action.args ?? []).map(describeExpected).join(', ')})`;
  // An action that must throw: null when it threw what `accept` takes, else what happened.
  const mustThrow = (run, accept, what) => {
    try {
      const out = run();
      return `returned ${describe(out)}, expected ${what}`;
    } catch (e) {
      return accept(e) ? null : `threw ${describeError(e)}, expected ${what}`;
    }
  };

  for (const [index, command] of commands.entries()) {
    const { type } = command;
    try {
      switch (type) {
        case 'module': {
          current = null;
          current = instantiate(command);
          if (command.name !== undefined) named.set(command.name, current);
          emit(index, true);
          break;
        }
        case 'register': {
          const exports = command.name === undefined ? current : named.get(command.name);
          if (exports) registry[command.as] = exports;
          break;
        }
        case 'action':
          perform(command.action);
          break;
        case 'assert_return': {
          // `(either ...)` results: wast2json lists the alternatives of the one result.
          const expected = command.either ? [{ type: 'either', values: command.either }] : command.expected;
          const got = perform(command.action, expected.length);
          const why = expected
            .map((e, i) => mismatch(e, got[i]))
            .filter((w) => w !== null)
            .join('; ');
          emit(index, why === '', why === '' ? undefined : `${label(command.action)}: ${why}`);
          break;
        }
        case 'assert_trap':
        case 'assert_exhaustion':
        case 'assert_exception': {
          const accept =
            type === 'assert_trap'
              ? engine.isTrap
              : type === 'assert_exhaustion'
                ? engine.isExhaustion
                : engine.isException;
          const what =
            type === 'assert_trap'
              ? `a trap (${command.text})`
              : type === 'assert_exhaustion'
                ? 'stack exhaustion'
                : 'an exception';
          const why = mustThrow(() => perform(command.action), accept, what);
          emit(index, why === null, why === null ? undefined : `${label(command.action)}: ${why}`);
          break;
        }
        case 'assert_invalid':
        case 'assert_malformed': {
          if (command.module_type === 'text') break;
          const why = mustThrow(
            () => engine.compile(bytesOf(command)),
            engine.isCompileError,
            `a compile error (${command.text})`,
          );
          emit(index, why === null, why === null ? undefined : `${command.filename}: ${why}`);
          break;
        }
        case 'assert_unlinkable':
        case 'assert_uninstantiable': {
          const module = engine.compile(bytesOf(command));
          const accept = type === 'assert_unlinkable' ? engine.isLinkError : engine.isTrap;
          const why = mustThrow(
            () => engine.instantiate(module, registry),
            accept,
            `${type === 'assert_unlinkable' ? 'a link error' : 'a trap'} (${command.text})`,
          );
          emit(index, why === null, why === null ? undefined : `${command.filename}: ${why}`);
          break;
        }
        default:
          if (ASSERTIONS.has(type)) emit(index, false, `unknown command ${type}`);
      }
    } catch (e) {
      // A module that did not instantiate is reported too: it fails every assertion on it.
      if (ASSERTIONS.has(type) || type === 'module') {
        const where = command.action ? label(command.action) : command.filename;
        emit(index, false, `${where}: ${describeError(e)}`);
      }
    }
  }
}

// Last, so that every top-level const above is initialized before it runs.
if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  process.exitCode = await main(process.argv.slice(2));
}
