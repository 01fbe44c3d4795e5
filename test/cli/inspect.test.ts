// `inspect`: human output, the --json shape, and agreement with wabt's
// `wasm-objdump -x` (Debian's wabt) on every fixture.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCustomSection } from '../helpers/binary.js';
import { wat } from '../helpers/wat.js';
import { CLI_NODE, cli, fixtureDir, hasTool, ROOT } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = await fixtureDir());
  const kinds = readFileSync(join(dir, 'kinds.wasm'));
  const payload = new TextEncoder().encode('0123456789');
  writeFileSync(join(dir, 'custom.wasm'), withCustomSection(kinds, 'my.section', payload));
});
afterAll(() => cleanup());

describe('inspect', () => {
  it.concurrent('shows sections, counts, typed imports and exports, start, custom sections', async ({ expect }) => {
    const r = await cli(['inspect', 'custom.wasm'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchInlineSnapshot(`
      "custom.wasm: WebAssembly binary, 222 B
      module name: kinds

      sections (10)
        id  name                 offset  size
         1  type                    0x8    15
         2  import                 0x19    53
         3  function               0x50     3
         4  table                  0x55     5
         6  global                 0x5c     6
         7  export                 0x64    39
         8  start                  0x8d     1
        10  code                   0x90    11
         0  custom "name"          0x9d    40
         0  custom "my.section"    0xc7    21

      counts
        types 3, functions 2 (+1 imported), tables 1 (+1 imported), memories 0 (+1 imported), globals 1 (+2 imported), tags 0
        element segments 0, data segments 0

      types (3)
        0: func (i32, f64) -> i64
        1: func () -> ()
        2: func () -> (i32, i64)

      imports (5)
        env.f: func (i32, f64) -> i64
        env.mem: memory 1..4 pages
        env.tab: table 2..∞ funcref
        env.gi: global i32
        env.gm: global mut f32

      exports (5)
        pair: func () -> (i32, i64)
        table: table 1..10 funcref
        counter: global mut i64
        memory: memory 1..4 pages
        f: func (i32, f64) -> i64

      start: func[1] <init>

      custom sections (2)
        name: 40 B
        my.section: 21 B

      proposals: multi-value, mutable-globals, reference-types
      "
    `);
  });

  it.concurrent('--json has stable keys and full types', async ({ expect }) => {
    const r = await cli(['inspect', 'kinds.wasm', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      'file',
      'format',
      'size',
      'wasmSize',
      'moduleName',
      'sections',
      'counts',
      'imports',
      'exports',
      'start',
      'customSections',
      'features',
      'artifact',
      'types',
    ]);
    expect(doc.format).toBe('wasm');
    expect(doc.moduleName).toBe('kinds');
    expect(doc.start).toEqual({ index: 1, name: 'init' });
    expect(doc.imports).toEqual([
      {
        module: 'env',
        name: 'f',
        kind: 'func',
        type: 'func (i32, f64) -> i64',
        typeIndex: 0,
        params: ['i32', 'f64'],
        results: ['i64'],
      },
      {
        module: 'env',
        name: 'mem',
        kind: 'memory',
        type: 'memory 1..4 pages',
        minimum: 1,
        maximum: 4,
        shared: false,
        index64: false,
      },
      {
        module: 'env',
        name: 'tab',
        kind: 'table',
        type: 'table 2..∞ funcref',
        elementType: 'funcref',
        minimum: 2,
        maximum: null,
        index64: false,
      },
      { module: 'env', name: 'gi', kind: 'global', type: 'global i32', valueType: 'i32', mutable: false },
      { module: 'env', name: 'gm', kind: 'global', type: 'global mut f32', valueType: 'f32', mutable: true },
    ]);
    expect(doc.exports.map((e: { name: string; kind: string; index: number }) => [e.name, e.kind, e.index])).toEqual([
      ['pair', 'func', 2],
      ['table', 'table', 1],
      ['counter', 'global', 2],
      ['memory', 'memory', 0],
      ['f', 'func', 0],
    ]);
    expect(doc.counts).toMatchObject({ types: 3, functions: 2, importedFunctions: 1, globals: 1, importedGlobals: 2 });
    expect(doc.sections[0]).toEqual({ id: 1, name: 'type', offset: 8, size: 15 });
    expect(doc.artifact).toBe(null);
  });

  it.concurrent('lists the proposals a module uses, from headers and from code', async ({ expect }) => {
    const r = await cli(['inspect', 'proposals.wasm', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).features).toEqual(['bulk-memory', 'multi-value', 'simd', 'threads']);
    const mvp = await cli(['inspect', 'trap.wasm', '--json'], { cwd: dir });
    expect(JSON.parse(mvp.stdout).features).toEqual([]);
  });

  it.concurrent('reads .wat text, stdin, and compiled artifacts', async ({ expect }) => {
    const text = await cli(['inspect', 'kinds.wat', '--json'], { cwd: dir });
    const binary = await cli(['inspect', 'kinds.wasm', '--json'], { cwd: dir });
    const fromText = JSON.parse(text.stdout);
    expect(fromText.format).toBe('wat');
    expect(fromText.exports).toEqual(JSON.parse(binary.stdout).exports);

    const stdin = await cli(['inspect', '-', '--json'], { cwd: dir, input: readFileSync(join(dir, 'kinds.wasm')) });
    expect(JSON.parse(stdin.stdout)).toMatchObject({ file: '<stdin>', format: 'wasm', moduleName: 'kinds' });

    const out = join(dir, 'inspect-kinds.wasmu');
    expect((await cli(['compile', 'kinds.wasm', '-o', out], { cwd: dir })).code).toBe(0);
    const artifact = JSON.parse((await cli(['inspect', out, '--json'], { cwd: dir })).stdout);
    expect(artifact.format).toBe('artifact');
    expect(artifact.exports).toEqual(JSON.parse(binary.stdout).exports);
    expect(artifact.artifact).toMatchObject({ formatVersion: 3, hashAlgorithm: 'blake3', nodeVersion: CLI_NODE.node });
    const human = await cli(['inspect', out], { cwd: dir });
    expect(human.stdout).toMatch(/^\S+inspect-kinds\.wasmu: compiled module, .* \(Wasm 199 B\)\n/);
    expect(human.stdout).toContain(`artifact: format 3, wasmer-ts`);
  });

  it.concurrent('an invalid module exits 4 with the reason and its offset', async ({ expect }) => {
    const truncated = readFileSync(join(dir, 'kinds.wasm')).subarray(0, 30);
    const r = await cli(['inspect', '-'], { cwd: dir, input: truncated });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: <stdin>: .*\(at byte 0x[0-9a-f]+\)\n$/);
  });
});

// ---------------------------------------------------------------------------
// wasm-objdump as the oracle

interface Objdump {
  imports: { kind: string; module: string; name: string }[];
  exports: { kind: string; index: number; name: string }[];
  customSections: string[];
  start: number | null;
}

/** Reads what `wasm-objdump -x` prints for imports, exports, custom sections and start. */
function objdump(file: string): Objdump {
  const text = execFileSync('wasm-objdump', ['-x', file], { encoding: 'utf8' });
  const result: Objdump = { imports: [], exports: [], customSections: [], start: null };
  let section = '';
  for (const line of text.split('\n')) {
    const header = /^(\w+)(\[\d+\])?:$/.exec(line);
    if (header) {
      section = header[1] as string;
      continue;
    }
    if (section === 'Import') {
      const m = /^ - (\w+)\[\d+\].* <- (.*)$/.exec(line);
      if (m) {
        const full = m[2] as string;
        const dot = full.indexOf('.');
        result.imports.push({ kind: m[1] as string, module: full.slice(0, dot), name: full.slice(dot + 1) });
      }
    } else if (section === 'Export') {
      const m = /^ - (\w+)\[(\d+)\].* -> "(.*)"$/.exec(line);
      if (m) result.exports.push({ kind: m[1] as string, index: Number(m[2]), name: m[3] as string });
    } else if (section === 'Custom') {
      const m = /^ - name: "(.*)"$/.exec(line);
      if (m) result.customSections.push(m[1] as string);
      section = 'CustomBody'; // only the first line of a Custom block is its name
    } else if (section === 'Start') {
      const m = /^ - start function: (\d+)/.exec(line);
      if (m) result.start = Number(m[1]);
    }
  }
  return result;
}

/**
 * Every .wasm and .wat under fixtures/ (the shared ones), built to binary, plus this suite's fixtures.
 * Not fixtures/components: wasm-objdump reads core modules only (test/cli/component.test.ts has those).
 */
async function allFixtures(): Promise<string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      // Components (fixtures/components, and fixtures/wasi/*.component.wasm): wasm-objdump reads core modules only.
      if (entry.isDirectory() && path === join(ROOT, 'fixtures', 'components')) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.wasm') && !entry.name.endsWith('.component.wasm')) files.push(path);
    }
  };
  walk(join(ROOT, 'fixtures'));
  for (const entry of readdirSync(join(ROOT, 'fixtures'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.wat')) continue;
    const source = join(entry.parentPath, entry.name);
    try {
      const out = join(dir, `shared-${relative(ROOT, source).replaceAll('/', '_')}.wasm`);
      writeFileSync(out, await wat(readFileSync(source, 'utf8')));
      files.push(out);
    } catch {
      // A .wat that needs imports from elsewhere or another tool is covered by its owner's tests.
    }
  }
  for (const entry of readdirSync(dir)) if (entry.endsWith('.wasm')) files.push(join(dir, entry));
  return files;
}

const HAS_OBJDUMP = hasTool('wasm-objdump');

describe('inspect --json agrees with wasm-objdump -x', () => {
  const title = HAS_OBJDUMP
    ? 'on every fixture: imports, exports, custom sections, start'
    : 'SKIPPED: wasm-objdump (Debian package wabt) is not installed';
  it.skipIf(!HAS_OBJDUMP)(title, async () => {
    const files = await allFixtures();
    expect(files.length).toBeGreaterThan(10);
    // One CLI process per file, a few at a time (the machine has 2 cores).
    const reports = await Promise.all(files.map((file) => cli(['inspect', file, '--json'])));
    files.forEach((file, i) => {
      const r = reports[i]!;
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      const ours = JSON.parse(r.stdout);
      const theirs = objdump(file);
      const label = relative(ROOT, file);
      expect(
        ours.imports.map((x: { kind: string; module: string; name: string }) => ({
          kind: x.kind,
          module: x.module,
          name: x.name,
        })),
        label,
      ).toEqual(theirs.imports);
      expect(
        ours.exports.map((x: { kind: string; index: number; name: string }) => ({
          kind: x.kind,
          index: x.index,
          name: x.name,
        })),
        label,
      ).toEqual(theirs.exports);
      expect(
        ours.customSections.map((s: { name: string }) => s.name),
        label,
      ).toEqual(theirs.customSections);
      expect(ours.start?.index ?? null, label).toBe(theirs.start);
    });
  });
});
