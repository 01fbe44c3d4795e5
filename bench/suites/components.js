// Components: instantiating a component and calling a string-taking export
// through our `Component` against the same through jco's transpiled JavaScript
// (jco transpile --instantiation sync), and against a hand-written raw V8 call of
// the core function (encode into memory, call, decode: the floor any glue has).
//
// Numeric calls (bench/components/numeric.wat: add on u32, addf on f64, nop) compare a
// component export with the same core function through our core `Instance` and through
// V8's raw export, in one run: the glue's own cost per call.
//
// The guest is bench/components/greet.wat (`greet: func(name: string) -> string`),
// built at bench time with `jco parse`. jco (pinned in scripts/build-components.js)
// is installed on first use into $XDG_CACHE_HOME/wasmer-ts-jco, outside the repo;
// its transpiled output goes to a temp directory. Without npm access the suite says
// so and skips.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Component, Instance, Module } from '../../dist/runtime/index.js';
import { jcoBin, parseWat } from '../../scripts/build-components.js';
import { loadAverage, machineLine, measure, printTable } from '../lib.js';

export const name = 'components';

const GREET_WAT = fileURLToPath(new URL('../components/greet.wat', import.meta.url));
const NUMERIC_WAT = fileURLToPath(new URL('../components/numeric.wat', import.meta.url));
const CALLS = 100_000;
const NUMERIC_CALLS = 1_000_000;

/** jco's transpiled module for `bytes`, its core module precompiled. */
async function transpiled(jco, wasmPath, dir) {
  execFileSync(jco, ['transpile', wasmPath, '-o', dir, '--instantiation', 'sync', '--no-typescript', '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const glue = await import(pathToFileURL(join(dir, 'greet.js')).href);
  const core = new WebAssembly.Module(readFileSync(join(dir, 'greet.core.wasm')));
  return { instantiate: () => glue.instantiate(() => core, {}) };
}

/** The floor: the core export called by hand, the string encoded into memory at a fixed place and decoded back. */
function rawGreet(component) {
  const core = component.ast.definitions.find((d) => d.kind === 'core-module');
  const instance = new WebAssembly.Instance(new WebAssembly.Module(core.bytes), {});
  const { memory, greet } = instance.exports;
  const post = instance.exports['greet-post'];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return (s) => {
    const view = new Uint8Array(memory.buffer);
    const { written } = encoder.encodeInto(s, view.subarray(512, 1024));
    const ret = greet(512, written);
    const words = new Uint32Array(memory.buffer, ret, 2);
    const out = decoder.decode(new Uint8Array(memory.buffer, words[0], words[1]));
    post(ret);
    return out;
  };
}

/**
 * `calls` calls of `fn` with `args` (0 or 2 of them). Each loop is compiled on its own (from
 * this fixed text), so its call site sees only `fn`: closures of one function literal share
 * their feedback, and a call site that has seen all three callers is megamorphic, which
 * would slow whichever ran later (V8 inlines a Wasm export's call only from a monomorphic site).
 */
function numericLoop(fn, args, calls) {
  const body =
    args.length === 0
      ? 'return () => { for (let i = 0; i < calls; i++) fn(); };'
      : 'return () => { let sink = 0; for (let i = 0; i < calls; i++) sink = fn(a, b); return sink; };';
  return new Function('fn', 'a', 'b', 'calls', body)(fn, args[0], args[1], calls);
}

/** ns per call of `add`, `addf` and `nop` through a component, our core Instance and raw V8, measured in one run. */
function numericRows(jco) {
  const component = new Component(parseWat(jco, NUMERIC_WAT));
  const ours = component.instantiate().exports;
  const core = component.ast.definitions.find((d) => d.kind === 'core-module');
  const coreModule = new WebAssembly.Module(core.bytes);
  const instance = new Instance(new Module(core.bytes), {}).exports;
  const raw = new WebAssembly.Instance(coreModule, {}).exports;
  const rows = [];
  for (const [label, fn, args, expected] of [
    ['add(u32, u32) -> u32', 'add', [40, 2], 42],
    ['addf(f64, f64) -> f64', 'addf', [0.5, 0.25], 0.75],
    ['nop()', 'nop', [], undefined],
  ]) {
    const fns = [ours[fn], instance[fn], raw[fn]];
    for (const f of fns) {
      const got = f(...args);
      if (got !== expected) throw new Error(`${fn}(${args}) gave ${got}`);
    }
    const opts = { samples: 9, warmup: 2 };
    // Interleaved, twice each, so load on the machine falls on all three alike.
    const loops = fns.map((f) => numericLoop(f, args, NUMERIC_CALLS));
    const times = fns.map(() => []);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < loops.length; i++) times[i].push(measure(loops[i], opts).median);
    }
    const [c, i, r] = times.map((t) => Math.min(...t) / NUMERIC_CALLS);
    rows.push({
      case: label,
      'component ns': c,
      'core Instance ns': i,
      'raw V8 ns': r,
      'component/core': c / i,
      'component/raw': c / r,
    });
  }
  return rows;
}

function loop(fn, arg, calls) {
  return () => {
    let out;
    for (let i = 0; i < calls; i++) out = fn(arg);
    return out;
  };
}

export async function run() {
  const loadBefore = loadAverage();
  let jco;
  try {
    jco = jcoBin({ install: true });
  } catch (e) {
    console.log(`\n## components: skipped (jco could not be installed: ${e.message})`);
    return;
  }
  if (jco === null) {
    console.log('\n## components: skipped (jco is not installed and could not be)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-bench-components-'));
  try {
    const bytes = parseWat(jco, GREET_WAT);
    const wasmPath = join(dir, 'greet.wasm');
    writeFileSync(wasmPath, bytes);
    const theirs = await transpiled(jco, wasmPath, join(dir, 'out'));
    const component = new Component(bytes);

    const ours = component.instantiate().exports.greet;
    const jcos = theirs.instantiate().greet;
    const raw = rawGreet(component);
    for (const f of [ours, jcos, raw]) {
      const got = f('world');
      if (got !== 'Hello, world!') throw new Error(`greet('world') gave ${JSON.stringify(got)}`);
    }

    const rows = [];
    const inst = { samples: 15, warmup: 3, iterations: 200 };
    const i1 = measure(() => component.instantiate(), inst);
    const j1 = measure(() => theirs.instantiate(), inst);
    const i2 = measure(() => component.instantiate(), inst);
    const j2 = measure(() => theirs.instantiate(), inst);
    const oursInst = Math.min(i1.median, i2.median) / 1000;
    const jcoInst = Math.min(j1.median, j2.median) / 1000;
    rows.push({
      case: 'instantiate (core module precompiled)',
      'wasmer-ts µs': oursInst,
      'jco µs': jcoInst,
      'raw µs': '',
      'ours/jco': oursInst / jcoInst,
      'ours/raw': '',
    });

    const long = 'wasm '.repeat(200);
    for (const [label, arg] of [
      ['greet("world")', 'world'],
      ['greet(1 KiB string)', long],
    ]) {
      const opts = { samples: 9, warmup: 2 };
      const runs = [ours, jcos, raw].map((f) => [
        measure(loop(f, arg, CALLS), opts),
        measure(loop(f, arg, CALLS), opts),
      ]);
      const [o, j, r] = runs.map(([a, b]) => Math.min(a.median, b.median) / CALLS);
      rows.push({
        case: label,
        'wasmer-ts µs': o / 1000,
        'jco µs': j / 1000,
        'raw µs': r / 1000,
        'ours/jco': o / j,
        'ours/raw': o / r,
      });
    }
    printTable(`components: our Component against jco transpile's output (medians; ${CALLS} calls a sample)`, rows);
    printTable(
      `components: numeric calls, a component export against the same core function (medians; ${NUMERIC_CALLS} calls a sample)`,
      numericRows(jco),
    );
    console.log(machineLine(loadBefore));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
