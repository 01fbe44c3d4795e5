import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseModule } from '../../src/runtime/parser/index.js';
import {
  AUTO_OPTIMIZING_MAX_CODE_BYTES,
  type CompilerChoice,
  resolveTier,
  type TieringFacts,
  tieringFacts,
} from '../../src/runtime/tiering.js';
import { wat } from '../helpers/wat.js';

// V8's flags are process-wide, so every tier observation runs in a child
// process started with --trace-wasm-compilation-times, which prints one line
// per compiled function: "Compiled function 0x…#INDEX using Liftoff|TurboFan".
// The child loads the built library (npm test builds dist/ first).
const TIERING_JS = new URL('../../dist/runtime/tiering.js', import.meta.url).href;
const INDEX_JS = new URL('../../dist/runtime/index.js', import.meta.url).href;

/**
 * A module whose exports sit at distinct function indices (after `pad` filler
 * functions), so trace lines of several modules in one child are told apart
 * by index alone, and whose bytes differ per `pad` (V8 shares compiled code
 * between modules of identical bytes).
 */
function moduleText(pad: number): string {
  const fillers = Array.from({ length: pad }, (_, i) => `(func (result i32) i32.const ${i})`).join('\n');
  return `(module
    ${fillers}
    (func (export "sum") (param $n i32) (result i64) (local $acc i64)
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      (local.get $acc))
    (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "unused") (result i32) (i32.const 7)))`;
}

type Step =
  | { op: 'compile'; as: string; hex: string; choice: CompilerChoice; facts?: Partial<TieringFacts> }
  | { op: 'module'; as: string; hex: string; choice: CompilerChoice }
  | { op: 'call'; mod: string; fn: string; args: number[]; underDefaults?: 'sync' | 'async' };

// Runs the steps in order; prints "result MOD.FN = VALUE" per call on stderr,
// since V8's trace goes to stdout through C stdio, whose buffer can flush
// mid-line between our own writes.
const CHILD = `
import { withTiering, withDefaultFlags } from ${JSON.stringify(TIERING_JS)};
const steps = JSON.parse(process.argv[1]);
const instances = {};
for (const s of steps) {
  if (s.op === 'module') {
    const { Module } = await import(${JSON.stringify(INDEX_JS)});
    const module = new Module(Buffer.from(s.hex, 'hex'), { compiler: s.choice });
    instances[s.as] = module.instantiate().raw.exports;
  } else if (s.op === 'compile') {
    const bytes = Uint8Array.from(Buffer.from(s.hex, 'hex'));
    const facts = { byteLength: bytes.length, isWasiCommand: false, ...s.facts };
    const module = withTiering(s.choice, facts, () => new WebAssembly.Module(bytes));
    instances[s.as] = new WebAssembly.Instance(module).exports;
  } else {
    const call = () => instances[s.mod][s.fn](...s.args);
    const value =
      s.underDefaults === 'sync' ? withDefaultFlags(call)
      : s.underDefaults === 'async' ? await withDefaultFlags(async () => { await null; return call(); })
      : call();
    console.error('result ' + s.mod + '.' + s.fn + ' = ' + value);
  }
}
`;

interface ChildRun {
  /** Function index -> the tiers it was compiled with, in trace order. */
  readonly tiers: Map<number, string[]>;
  readonly results: Map<string, string>;
}

function runChild(steps: Step[], nodeFlags: string[] = []): ChildRun {
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, '--trace-wasm-compilation-times', '--input-type=module', '-e', CHILD, JSON.stringify(steps)],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  const tiers = new Map<number, string[]>();
  const results = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const compiled = /^Compiled function \S+#(\d+) using (Liftoff|TurboFan)/.exec(line);
    if (compiled !== null) {
      const index = Number(compiled[1]);
      tiers.set(index, [...(tiers.get(index) ?? []), compiled[2] as string]);
    }
  }
  for (const line of r.stderr.split('\n').filter(Boolean)) {
    const result = /^result (\S+) = (.*)$/.exec(line);
    expect(result, `unexpected stderr line: ${line}`).not.toBeNull();
    if (result !== null) results.set(result[1] as string, result[2] as string);
  }
  return { tiers, results };
}

async function hex(pad: number): Promise<string> {
  return Buffer.from(await wat(moduleText(pad))).toString('hex');
}

/** Appends a custom section of `size` bytes (like DWARF debug info) to a binary. */
function withCustomSection(bytes: Uint8Array, size: number): Uint8Array {
  const name = [4, ...Buffer.from('.big')];
  const content = name.length + size;
  const leb: number[] = [];
  for (let v = content; ; ) {
    const b = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      leb.push(b);
      break;
    }
    leb.push(b | 0x80);
  }
  const out = new Uint8Array(bytes.length + 1 + leb.length + content);
  out.set(bytes);
  out.set([0, ...leb, ...name], bytes.length);
  return out;
}

describe('resolveTier', () => {
  const small: TieringFacts = { byteLength: 40_000, isWasiCommand: true, codeByteLength: 30_000 };
  const big: TieringFacts = { byteLength: 5_000_000, isWasiCommand: true, codeByteLength: 4_900_000 };

  it('keeps an explicit choice whatever the module', () => {
    for (const facts of [small, big]) {
      expect(resolveTier('baseline', facts)).toBe('baseline');
      expect(resolveTier('optimizing', facts)).toBe('optimizing');
    }
  });

  it('auto optimizes modules with up to 1 MiB of code, commands or not', () => {
    expect(resolveTier('auto', small)).toBe('optimizing');
    expect(resolveTier('auto', { ...small, isWasiCommand: false })).toBe('optimizing');
    const limit = { ...small, codeByteLength: AUTO_OPTIMIZING_MAX_CODE_BYTES };
    expect(resolveTier('auto', limit)).toBe('optimizing');
    expect(resolveTier('auto', { ...limit, codeByteLength: AUTO_OPTIMIZING_MAX_CODE_BYTES + 1 })).toBe('baseline');
  });

  it('auto keeps Liftoff for bigger modules unless their machine code is at hand', () => {
    expect(resolveTier('auto', big)).toBe('baseline');
    expect(resolveTier('auto', { ...big, isWasiCommand: false })).toBe('baseline');
    expect(resolveTier('auto', { ...big, hasMachineCode: true })).toBe('optimizing');
  });

  it('auto falls back to the whole size when the code size is unknown', () => {
    expect(resolveTier('auto', { byteLength: 2_000_000, isWasiCommand: true })).toBe('baseline');
    expect(resolveTier('auto', { byteLength: 200_000, isWasiCommand: true })).toBe('optimizing');
  });
});

describe('tieringFacts', () => {
  it('measures the code section, not debug info in custom sections', async () => {
    const bytes = withCustomSection(await wat(moduleText(0)), 3 << 20);
    const info = parseModule(bytes);
    const facts = tieringFacts(bytes, info);
    const code = info.sections.find((s) => s.name === 'code');
    expect(code).toBeDefined();
    expect(facts.codeByteLength).toBe(code?.size);
    expect(facts.byteLength).toBe(bytes.byteLength);
    expect(facts.byteLength).toBeGreaterThan(AUTO_OPTIMIZING_MAX_CODE_BYTES);
    expect(resolveTier('auto', facts)).toBe('optimizing');
  });

  it('tells a WASI command by its _start export', async () => {
    const command = await wat('(module (func (export "_start")) (memory (export "memory") 1))');
    const reactor = await wat('(module (func (export "_initialize")) (memory (export "memory") 1))');
    expect(tieringFacts(command, parseModule(command)).isWasiCommand).toBe(true);
    expect(tieringFacts(reactor, parseModule(reactor)).isWasiCommand).toBe(false);
  });

  it('without parser output, counts the whole binary as code', () => {
    const facts = tieringFacts(new Uint8Array(1234));
    expect(facts).toMatchObject({ byteLength: 1234, codeByteLength: 1234, isWasiCommand: false });
  });
});

describe('withTiering in V8 (child processes)', () => {
  // Indices in moduleText(pad): sum = pad, twice = pad + 1, unused = pad + 2.
  it('baseline compiles each function with Liftoff on its first call', async () => {
    const run = runChild([
      { op: 'compile', as: 'a', hex: await hex(0), choice: 'baseline' },
      { op: 'call', mod: 'a', fn: 'sum', args: [1000] },
      { op: 'call', mod: 'a', fn: 'twice', args: [21] },
    ]);
    expect(run.results.get('a.sum')).toBe('500500');
    expect(run.results.get('a.twice')).toBe('42');
    expect(run.tiers.get(0)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
  });

  it('optimizing compiles with TurboFan, lazily: a function never called is never compiled', async () => {
    const run = runChild([
      { op: 'compile', as: 'a', hex: await hex(0), choice: 'optimizing' },
      { op: 'call', mod: 'a', fn: 'sum', args: [100_000] },
    ]);
    expect(run.tiers.get(0)).toEqual(['TurboFan']);
    expect(run.tiers.has(1)).toBe(false);
    expect(run.tiers.has(2)).toBe(false);
  });

  it('every choice computes the same results', async () => {
    const choices: CompilerChoice[] = ['auto', 'baseline', 'optimizing'];
    const steps: Step[] = [];
    for (const [i, choice] of choices.entries()) {
      steps.push({ op: 'compile', as: choice, hex: await hex(i * 3), choice });
      steps.push({ op: 'call', mod: choice, fn: 'sum', args: [65_536] });
      steps.push({ op: 'call', mod: choice, fn: 'twice', args: [-8] });
    }
    const run = runChild(steps);
    for (const choice of choices) {
      expect(run.results.get(`${choice}.sum`)).toBe('2147516416');
      expect(run.results.get(`${choice}.twice`)).toBe('-16');
    }
  });

  it('auto optimizes a small module and keeps Liftoff for one with over 1 MiB of code', async () => {
    const run = runChild([
      { op: 'compile', as: 'small', hex: await hex(0), choice: 'auto' },
      { op: 'call', mod: 'small', fn: 'twice', args: [1] },
      {
        op: 'compile',
        as: 'big',
        hex: await hex(3),
        choice: 'auto',
        facts: { codeByteLength: AUTO_OPTIMIZING_MAX_CODE_BYTES + 1 },
      },
      { op: 'call', mod: 'big', fn: 'twice', args: [1] },
    ]);
    expect(run.tiers.get(1)).toEqual(['TurboFan']);
    expect(run.tiers.get(4)?.[0]).toBe('Liftoff');
  });

  it('the last compile sets the tier for first calls process-wide (documented caveat)', async () => {
    const run = runChild([
      { op: 'compile', as: 'fast', hex: await hex(0), choice: 'optimizing' },
      { op: 'call', mod: 'fast', fn: 'sum', args: [10] },
      { op: 'compile', as: 'slow', hex: await hex(3), choice: 'baseline' },
      { op: 'call', mod: 'slow', fn: 'sum', args: [10] },
      // First called after the baseline compile: Liftoff, although its module asked for TurboFan.
      { op: 'call', mod: 'fast', fn: 'twice', args: [10] },
    ]);
    expect(run.tiers.get(0)).toEqual(['TurboFan']);
    expect(run.tiers.get(3)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
  });

  it('withDefaultFlags runs under the defaults and puts the optimizing tier back after', async () => {
    const run = runChild([
      { op: 'compile', as: 'a', hex: await hex(0), choice: 'optimizing' },
      { op: 'call', mod: 'a', fn: 'twice', args: [5], underDefaults: 'sync' },
      { op: 'call', mod: 'a', fn: 'sum', args: [5] },
    ]);
    expect(run.results.get('a.twice')).toBe('10');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(0)).toEqual(['TurboFan']);
  });

  it('withDefaultFlags keeps the defaults until an asynchronous fn settles', async () => {
    const run = runChild([
      { op: 'compile', as: 'a', hex: await hex(0), choice: 'optimizing' },
      // The first call happens after an await inside fn: still under the defaults.
      { op: 'call', mod: 'a', fn: 'twice', args: [6], underDefaults: 'async' },
      { op: 'call', mod: 'a', fn: 'sum', args: [6] },
    ]);
    expect(run.results.get('a.twice')).toBe('12');
    expect(run.results.get('a.sum')).toBe('21');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(0)).toEqual(['TurboFan']);
  });

  it('new Module(bytes, { compiler }) compiles through withTiering', async () => {
    const run = runChild([
      { op: 'module', as: 'opt', hex: await hex(0), choice: 'optimizing' },
      { op: 'call', mod: 'opt', fn: 'twice', args: [2] },
      { op: 'module', as: 'base', hex: await hex(3), choice: 'baseline' },
      { op: 'call', mod: 'base', fn: 'twice', args: [3] },
      { op: 'module', as: 'auto', hex: await hex(6), choice: 'auto' },
      { op: 'call', mod: 'auto', fn: 'twice', args: [4] },
    ]);
    expect(run.results.get('opt.twice')).toBe('4');
    expect(run.results.get('auto.twice')).toBe('8');
    expect(run.tiers.get(1)).toEqual(['TurboFan']);
    expect(run.tiers.get(4)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(7)).toEqual(['TurboFan']);
  });

  it("leaves V8's flags alone when Node's command line sets tiering flags", async () => {
    const run = runChild(
      [
        { op: 'compile', as: 'a', hex: await hex(0), choice: 'optimizing' },
        { op: 'call', mod: 'a', fn: 'twice', args: [5] },
      ],
      ['--liftoff'],
    );
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
  });
});
