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

/** Type-checks the consumer with these `lib`s; tsc's output, empty when it passes. */
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
      files: ['main.ts'],
    }),
  );
  const r = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
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
  });
  afterAll(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  it('ship their declarations, the WebAssembly ones included', () => {
    expect(existsSync(path.join(project, 'node_modules/wasmer-ts/dist/runtime/index.d.ts'))).toBe(true);
    expect(existsSync(path.join(project, 'node_modules/wasmer-ts/dist/types/webassembly.d.ts'))).toBe(true);
  });

  it('check for a Node consumer without DOM (lib ES2022, types node, skipLibCheck false)', () => {
    expect(typeCheck(['ES2022'])).toEqual({ status: 0, output: '' });
  });

  it('check beside lib.dom’s WebAssembly declarations', () => {
    expect(typeCheck(['ES2022', 'DOM'])).toEqual({ status: 0, output: '' });
  });

  it('still catch a type error in the consumer (the check is real)', () => {
    const text = CONSUMER.replace('const raw = instance.raw.exports;', 'const raw: number = instance.raw;');
    writeFileSync(path.join(project, 'main.ts'), text);
    try {
      const r = typeCheck(['ES2022']);
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(/main\.ts\(\d+,\d+\): error TS2322/);
    } finally {
      writeFileSync(path.join(project, 'main.ts'), CONSUMER);
    }
  });
});
