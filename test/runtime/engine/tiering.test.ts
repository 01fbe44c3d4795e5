import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  AUTO_OPTIMIZING_MAX_CODE_BYTES,
  type CompilerChoice,
  ENTRY_INLINING_MIN_CODE_BYTES,
  isTierFlag,
  processCompileMode,
  processTier,
  resolveTier,
  type TieringFacts,
  tieringFacts,
  v8FlagsFor,
  wantsEntryInlining,
} from '../../../src/runtime/engine/tiering.js';
import { parseModule } from '../../../src/runtime/parser/index.js';
import { withCustomSection } from '../../helpers/binary.js';
import { wat } from '../../helpers/wat.js';

// V8's flags are process-wide, so every tier observation runs in a child
// process started with --trace-wasm-compilation-times, which prints one line
// per compiled function: "Compiled function 0x…#INDEX using Liftoff|TurboFan".
// The child loads the built library (npm test builds dist/ first).
const INDEX_JS = new URL('../../../dist/runtime/index.js', import.meta.url).href;

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
  | { op: 'module'; as: string; hex: string; choice: CompilerChoice }
  | { op: 'from'; as: string; hex: string; choice: CompilerChoice }
  | { op: 'call'; mod: string; fn: string; args: number[] };

// Runs the steps in order; prints "result MOD.FN = VALUE" per call, "tier MOD = T"
// per module and "notice MOD: TEXT" per onNotice line on stderr, since V8's trace
// goes to stdout through C stdio, whose buffer can flush mid-line between our writes.
const CHILD = `
const { Module } = await import(${JSON.stringify(INDEX_JS)});
const steps = JSON.parse(process.argv[1]);
const instances = {};
for (const s of steps) {
  if (s.op === 'module' || s.op === 'from') {
    const bytes = Uint8Array.from(Buffer.from(s.hex, 'hex'));
    const onNotice = (text) => console.error('notice ' + s.as + ': ' + text);
    const module = s.op === 'module'
      ? new Module(bytes, { compiler: s.choice })
      : await Module.from(bytes, { compiler: s.choice, onNotice });
    console.error('tier ' + s.as + ' = ' + module.tier);
    instances[s.as] = module.instantiate().raw.exports;
  } else {
    console.error('result ' + s.mod + '.' + s.fn + ' = ' + instances[s.mod][s.fn](...s.args));
  }
}
`;

interface ChildRun {
  /** Function index -> the tiers it was compiled with, in trace order. */
  readonly tiers: Map<number, string[]>;
  readonly results: Map<string, string>;
  /** Module name -> its `tier`. */
  readonly moduleTiers: Map<string, string>;
  readonly notices: string[];
}

function runChild(steps: Step[], nodeFlags: string[] = []): ChildRun {
  const r = spawnSync(
    process.execPath,
    [...nodeFlags, '--trace-wasm-compilation-times', '--input-type=module', '-e', CHILD, JSON.stringify(steps)],
    { encoding: 'utf8' },
  );
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  const tiers = new Map<number, string[]>();
  const results = new Map<string, string>();
  const moduleTiers = new Map<string, string>();
  const notices: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const compiled = /^Compiled function \S+#(\d+) using (Liftoff|TurboFan)/.exec(line);
    if (compiled !== null) {
      const index = Number(compiled[1]);
      tiers.set(index, [...(tiers.get(index) ?? []), compiled[2] as string]);
    }
  }
  for (const line of r.stderr.split('\n').filter(Boolean)) {
    const result = /^(result|tier) (\S+) = (.*)$/.exec(line);
    const notice = /^notice \S+: (.*)$/.exec(line);
    if (result?.[1] === 'result') results.set(result[2] as string, result[3] as string);
    else if (result?.[1] === 'tier') moduleTiers.set(result[2] as string, result[3] as string);
    else if (notice !== null) notices.push(notice[1] as string);
    else expect.fail(`unexpected stderr line: ${line}`);
  }
  return { tiers, results, moduleTiers, notices };
}

async function hex(pad: number): Promise<string> {
  return Buffer.from(await wat(moduleText(pad))).toString('hex');
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

  it('auto keeps Liftoff for bigger modules, machine code at hand or not', () => {
    expect(resolveTier('auto', big)).toBe('baseline');
    expect(resolveTier('auto', { ...big, isWasiCommand: false })).toBe('baseline');
  });

  it('auto falls back to the whole size when the code size is unknown', () => {
    expect(resolveTier('auto', { byteLength: 2_000_000, isWasiCommand: true })).toBe('baseline');
    expect(resolveTier('auto', { byteLength: 200_000, isWasiCommand: true })).toBe('optimizing');
  });
});

describe('tieringFacts', () => {
  it('measures the code section, not debug info in custom sections', async () => {
    const bytes = withCustomSection(await wat(moduleText(0)), '.big', new Uint8Array(3 << 20)); // like DWARF debug info;
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

describe('the flags of each tier, in V8 (child processes)', () => {
  // Indices in moduleText(pad): sum = pad, twice = pad + 1, unused = pad + 2.
  it('baseline: V8 compiles each function with Liftoff on its first call', async () => {
    const run = runChild(
      [
        { op: 'module', as: 'a', hex: await hex(0), choice: 'auto' },
        { op: 'call', mod: 'a', fn: 'sum', args: [1000] },
        { op: 'call', mod: 'a', fn: 'twice', args: [21] },
      ],
      v8FlagsFor('baseline'),
    );
    expect(run.results.get('a.sum')).toBe('500500');
    expect(run.results.get('a.twice')).toBe('42');
    expect(run.tiers.get(0)?.[0]).toBe('Liftoff');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
    expect(run.moduleTiers.get('a')).toBe('baseline');
  });

  it('optimizing: TurboFan on first call, lazily: a function never called is never compiled', async () => {
    const run = runChild(
      [
        { op: 'module', as: 'a', hex: await hex(0), choice: 'optimizing' },
        { op: 'call', mod: 'a', fn: 'sum', args: [100_000] },
      ],
      v8FlagsFor('optimizing'),
    );
    expect(run.results.get('a.sum')).toBe('5000050000');
    expect(run.tiers.get(0)).toEqual(['TurboFan']);
    expect(run.tiers.has(1)).toBe(false);
    expect(run.tiers.has(2)).toBe(false);
    expect(run.moduleTiers.get('a')).toBe('optimizing');
  });

  it('eager: TurboFan compiles every function before the first call, the unused one too', async () => {
    const run = runChild([{ op: 'module', as: 'a', hex: await hex(0), choice: 'optimizing' }], v8FlagsFor('eager'));
    for (const index of [0, 1, 2]) expect(run.tiers.get(index), `function ${index}`).toEqual(['TurboFan']);
    expect(run.moduleTiers.get('a')).toBe('optimizing');
  });

  it('every tier computes the same results', async () => {
    const bytes = await hex(0);
    for (const mode of ['baseline', 'optimizing', 'eager'] as const) {
      const run = runChild(
        [
          { op: 'module', as: 'm', hex: bytes, choice: 'auto' },
          { op: 'call', mod: 'm', fn: 'sum', args: [65_536] },
          { op: 'call', mod: 'm', fn: 'twice', args: [-8] },
        ],
        v8FlagsFor(mode),
      );
      expect(run.results.get('m.sum'), mode).toBe('2147516416');
      expect(run.results.get('m.twice'), mode).toBe('-16');
    }
  });

  it('a compiler option the process cannot honour is a no-op that Module.from reports', async () => {
    const run = runChild(
      [
        { op: 'from', as: 'wish', hex: await hex(0), choice: 'optimizing' },
        { op: 'call', mod: 'wish', fn: 'twice', args: [4] },
        { op: 'from', as: 'fine', hex: await hex(3), choice: 'baseline' },
        { op: 'from', as: 'auto', hex: await hex(6), choice: 'auto' },
      ],
      v8FlagsFor('baseline'),
    );
    expect(run.results.get('wish.twice')).toBe('8');
    expect(run.tiers.get(1)?.[0]).toBe('Liftoff');
    expect(run.moduleTiers.get('wish')).toBe('baseline');
    expect(run.notices).toEqual([
      "compiler 'optimizing' is not in effect: this Node was started for baseline code, and V8's flags are " +
        'fixed when Node starts (start node with --no-liftoff)',
    ]);
  });

  it("never changes V8's flags: a process started for TurboFan stays so whatever modules ask", async () => {
    const run = runChild(
      [
        { op: 'module', as: 'base', hex: await hex(0), choice: 'baseline' },
        { op: 'call', mod: 'base', fn: 'twice', args: [3] },
        { op: 'module', as: 'opt', hex: await hex(3), choice: 'optimizing' },
        { op: 'call', mod: 'opt', fn: 'twice', args: [2] },
      ],
      v8FlagsFor('optimizing'),
    );
    expect(run.tiers.get(1)).toEqual(['TurboFan']);
    expect(run.tiers.get(4)).toEqual(['TurboFan']);
    expect(run.moduleTiers.get('base')).toBe('optimizing');
  });
});

describe('processCompileMode', () => {
  it('reads the tier from the flags Node was started with, the last one winning', () => {
    expect(processCompileMode([])).toBe('baseline');
    expect(processCompileMode(['--no-liftoff'])).toBe('optimizing');
    expect(processCompileMode(['--no_liftoff'])).toBe('optimizing');
    expect(processCompileMode(['--liftoff=false'])).toBe('optimizing');
    expect(processCompileMode(['--no-liftoff', '--liftoff'])).toBe('baseline');
    expect(processCompileMode(['--no-liftoff', '--no-wasm-lazy-compilation'])).toBe('eager');
    expect(processCompileMode(['--no-wasm-lazy-compilation'])).toBe('baseline');
    expect(processCompileMode(['--max-old-space-size=100', '--no-liftoff', '--stack-size=900'])).toBe('optimizing');
    expect(processTier(['--no-liftoff', '--no-wasm-lazy-compilation'])).toBe('optimizing');
  });

  it('round-trips v8FlagsFor', () => {
    for (const mode of ['baseline', 'optimizing', 'eager'] as const) {
      expect(processCompileMode(v8FlagsFor(mode))).toBe(mode);
    }
  });

  it('tells the tier flags from the others', () => {
    for (const flag of ['--liftoff', '--no-liftoff', '--no_wasm_lazy_compilation', '--wasm-dynamic-tiering']) {
      expect(isTierFlag(flag), flag).toBe(true);
    }
    for (const flag of ['--wasm-inlining', '--liftoff-only', '--max-old-space-size=9', '--no-turbo-fast-api-calls']) {
      expect(isTierFlag(flag), flag).toBe(false);
    }
  });
});

describe('wantsEntryInlining (the CLI, before its first compile)', () => {
  const big = ENTRY_INLINING_MIN_CODE_BYTES;
  it('on V8 11, for TurboFan on first call and code enough, or code of unknown size', () => {
    expect(wantsEntryInlining(big, ['--no-liftoff'], '11.3.244.8')).toBe(true);
    expect(wantsEntryInlining(null, ['--no-liftoff'], '11.3.244.8')).toBe(true);
  });
  it('not for code too small to hold calls worth inlining (the flag costs node:v8 at start)', () => {
    expect(wantsEntryInlining(big - 1, ['--no-liftoff'], '11.3.244.8')).toBe(false);
    expect(wantsEntryInlining(9, ['--no-liftoff'], '11.3.244.8')).toBe(false);
  });
  it('not with Liftoff, not for eager compiles, not when the user chose an inlining flag', () => {
    expect(wantsEntryInlining(big, [], '11.3.244.8')).toBe(false);
    expect(wantsEntryInlining(big, ['--no-liftoff', '--no-wasm-lazy-compilation'], '11.3.244.8')).toBe(false);
    expect(wantsEntryInlining(big, ['--no-liftoff', '--no-wasm-inlining'], '11.3.244.8')).toBe(false);
    expect(wantsEntryInlining(big, ['--no-liftoff', '--wasm_inlining_budget=10'], '11.3.244.8')).toBe(false);
  });
  it('never on V8 12 and later (off there as experimental, or on by default)', () => {
    for (const v8 of ['12.4.254.21-node.33', '13.6.233.10', '14.6.202.34-node.40']) {
      expect(wantsEntryInlining(big, ['--no-liftoff'], v8)).toBe(false);
    }
  });
});
