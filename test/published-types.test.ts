// The published package type-checks for a TypeScript consumer: the files `npm pack`
// would ship, installed into a temporary project beside this repo's @types/node,
// checked by this repo's tsc with skipLibCheck off (so every shipped .d.ts is
// checked), once with a Node-only lib and once with DOM (the default lib, whose
// WebAssembly declarations the shipped ones must merge with). No network.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

const CONSUMER = `import { Instance, Module, Wasi, runProgram, type RunProgramResult } from 'wasmer-ts';

const module: Module = await Module.from(new Uint8Array(0));
const instance: Instance = new Instance(module);
const wasi = new Wasi({ args: ['app'], env: {} });
const imports = wasi.getImports(module);
const raw = instance.raw.exports;
const result: Promise<RunProgramResult> = runProgram({ module });
export { imports, raw, result };
`;

let project: string;

/** A consumer file with one deliberate type error, checked beside main.ts: proof that the check is real. */
const BROKEN = CONSUMER.replace('const raw = instance.raw.exports;', 'const raw: number = instance.raw;');

/** Type-checks main.ts and broken.ts with these `lib`s (tsc runs once for both); tsc's status and output. */
function typeCheck(lib: readonly string[]): { status: number | null; output: string } {
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        types: ['node'],
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['main.ts', 'broken.ts'],
    }),
  );
  const r = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** tsc's error lines, each as `file(line,col): error TSnnnn`. */
function errors(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /error TS\d+/.test(line))
    .map((line) => line.replace(/^.*?([\w./-]+\(\d+,\d+\): error TS\d+).*$/, '$1'));
}

describe('the published types', () => {
  beforeAll(() => {
    const index = path.join(ROOT, 'dist/runtime/index.d.ts');
    if (!existsSync(index) || statSync(index).mtimeMs < statSync(path.join(ROOT, 'src/runtime/index.ts')).mtimeMs) {
      throw new Error(`${index} is missing or stale: run \`npm run build\` first (npm test does)`);
    }
    project = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-consumer-'));
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { files: { path: string }[] }[];
    const installed = path.join(project, 'node_modules/wasmer-ts');
    for (const { path: file } of packed[0]?.files ?? []) {
      mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
      cpSync(path.join(ROOT, file), path.join(installed, file));
    }
    mkdirSync(path.join(project, 'node_modules/@types'), { recursive: true });
    symlinkSync(
      realpathSync(path.join(ROOT, 'node_modules/@types/node')),
      path.join(project, 'node_modules/@types/node'),
    );
    // @types/node's one dependency.
    symlinkSync(
      realpathSync(path.join(ROOT, 'node_modules/undici-types')),
      path.join(project, 'node_modules/undici-types'),
    );
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(path.join(project, 'main.ts'), CONSUMER);
    writeFileSync(path.join(project, 'broken.ts'), BROKEN);
  });
  afterAll(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  it('ship their declarations, the WebAssembly ones included', () => {
    expect(existsSync(path.join(project, 'node_modules/wasmer-ts/dist/runtime/index.d.ts'))).toBe(true);
    expect(existsSync(path.join(project, 'node_modules/wasmer-ts/dist/types/webassembly.d.ts'))).toBe(true);
  });

  // broken.ts holds the one error tsc must find; any other error (in main.ts or in
  // the package's own .d.ts files, TS2503 "Cannot find namespace 'WebAssembly'"
  // before they shipped their declarations) fails the test.
  it('check for a Node consumer without DOM (lib ES2022, types node, skipLibCheck false), and catch its type error', () => {
    const r = typeCheck(['ES2022']);
    expect(r.status).not.toBe(0);
    expect(errors(r.output)).toEqual([expect.stringMatching(/(^|\/)broken\.ts\(7,\d+\): error TS2322$/)]);
  });

  it('check beside lib.dom’s WebAssembly declarations', () => {
    const r = typeCheck(['ES2022', 'DOM']);
    expect(errors(r.output)).toEqual([expect.stringMatching(/(^|\/)broken\.ts\(7,\d+\): error TS2322$/)]);
  });
});
