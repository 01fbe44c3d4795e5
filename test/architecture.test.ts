// The layers of src/, read from the imports themselves: a module may import its own
// layer or a lower one, never a higher one, and no two modules may import each other
// at run time (through any chain). The table below is the architecture; README.md's
// "Layout" section describes the same tree.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Lowest first. A file belongs to the first layer whose pattern matches its path under src/. */
const LAYERS: readonly { readonly name: string; readonly test: RegExp }[] = [
  { name: 'base', test: /^runtime\/(errors|describe|units|validate|builtin)\.ts$/ },
  { name: 'parser', test: /^runtime\/parser\// },
  { name: 'component parser', test: /^runtime\/component\/(types\.ts$|canonical-types\.ts$|parser\/)/ },
  { name: 'encoder', test: /^runtime\/encoder\// },
  { name: 'engine', test: /^runtime\/engine\/(?!cache\/)/ },
  { name: 'cache', test: /^runtime\/engine\/cache\// },
  { name: 'object model', test: /^runtime\/(?!index\.ts$)[^/]+\.ts$/ },
  { name: 'component model', test: /^runtime\/component\// },
  { name: 'wasi', test: /^runtime\/wasi\// },
  { name: 'program', test: /^runtime\/program\// },
  { name: 'public index', test: /^runtime\/index\.ts$/ },
  { name: 'commands', test: /^commands\// },
  { name: 'cli', test: /^cli\.ts$/ },
  { name: 'standalone executable', test: /^standalone\// },
];

/**
 * Cycles that are allowed, each with its reason. `Module.instantiate()` builds an
 * `Instance` and `new Instance(bytes)` builds a `Module`: both sides use the other
 * only inside functions, never at module evaluation, and the pair mirrors the public API.
 */
const ALLOWED_CYCLES: readonly (readonly string[])[] = [['runtime/instance.ts', 'runtime/module.ts']];

/** Files whose layer is not decided by a pattern: type declarations only. */
const IGNORED = /^types\//;

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => path.relative(SRC, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .filter((f) => !IGNORED.test(f))
    .sort();
}

const SPECIFIER =
  /(?:^|[\s;])(import|export)(\s+type)?\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** The relative imports of `file` (static, dynamic, re-exports), resolved to paths under src/. */
function importsOf(file: string): Edge[] {
  const text = readFileSync(path.join(SRC, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const edges: Edge[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[3] ?? m[4] ?? m[5] ?? '';
    if (!spec.startsWith('.')) continue;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly: m[2] !== undefined });
  }
  return edges;
}

function layerOf(file: string): number {
  const index = LAYERS.findIndex((l) => l.test.test(file));
  if (index < 0) throw new Error(`${file} is in no layer: add it to LAYERS in test/architecture.test.ts`);
  return index;
}

/** Strongly connected components of more than one file (Tarjan), over run-time edges. */
function cycles(files: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (!e.typeOnly) next.get(e.from)?.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

const files = sourceFiles(SRC);
const edges = files.flatMap(importsOf);

describe('architecture', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(edges.length).toBeGreaterThan(100);
    for (const e of edges) expect(files, `${e.from} imports a missing ${e.to}`).toContain(e.to);
  });

  it('puts every source file in a layer', () => {
    for (const f of files) expect(() => layerOf(f)).not.toThrow();
  });

  it('never lets a lower layer import a higher one', () => {
    const upward = edges
      .filter((e) => layerOf(e.to) > layerOf(e.from))
      .map((e) => `${e.from} (${LAYERS[layerOf(e.from)]?.name}) imports ${e.to} (${LAYERS[layerOf(e.to)]?.name})`);
    expect(upward).toEqual([]);
  });

  it('has no import cycle but the allowed ones', () => {
    const allowed = new Set(ALLOWED_CYCLES.map((c) => [...c].sort().join(' <-> ')));
    const found = cycles(files, edges).map((c) => c.join(' <-> '));
    expect(found.filter((c) => !allowed.has(c))).toEqual([]);
  });

  it('keeps the library free of the CLI packages', () => {
    for (const f of files.filter((f) => f.startsWith('runtime/'))) {
      const text = readFileSync(path.join(SRC, f), 'utf8');
      expect(text, `${f} imports commander or chalk`).not.toMatch(/from ['"](commander|chalk)['"]/);
    }
  });

  it('detects what it is meant to detect', () => {
    // The checks above must be able to fail: a synthetic upward edge and a synthetic cycle.
    expect(layerOf('runtime/engine/tiering.ts')).toBeLessThan(layerOf('runtime/module.ts'));
    const a = 'runtime/a.ts';
    const b = 'runtime/b.ts';
    expect(
      cycles(
        [a, b],
        [
          { from: a, to: b, typeOnly: false },
          { from: b, to: a, typeOnly: false },
        ],
      ),
    ).toEqual([[a, b]]);
    expect(
      cycles(
        [a, b],
        [
          { from: a, to: b, typeOnly: false },
          { from: b, to: a, typeOnly: true },
        ],
      ),
    ).toEqual([]);
  });
});
