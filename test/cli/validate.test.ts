// `validate` (many files, stdin, --quiet, --json; our parser then V8) and `compile`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cli, fixtureDir } from './helpers.js';

let dir: string;
let cleanup: () => void;

/** Well-formed sections, but the body returns an i64 where the type says i32: only V8's validation sees it. */
const ILL_TYPED = Uint8Array.of(
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f], // type section: 1 type, () -> i32
  ...[0x03, 0x02, 0x01, 0x00], // function section: 1 function of type 0
  ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b], // code: 1 body, 0 locals, i64.const 0, end
);

beforeAll(async () => {
  ({ dir, cleanup } = await fixtureDir());
  writeFileSync(join(dir, 'illtyped.wasm'), ILL_TYPED);
  writeFileSync(join(dir, 'truncated.wasm'), readFileSync(join(dir, 'types.wasm')).subarray(0, 40));
  writeFileSync(join(dir, 'notes.txt'), 'hello world\n');
});
afterAll(() => cleanup());

describe('validate', () => {
  it.concurrent('prints ok per valid file and exits 0', async ({ expect }) => {
    const r = await cli(['validate', 'types.wasm', 'kinds.wat', 'trap.wasm'], { cwd: dir });
    expect(r).toEqual({ code: 0, stdout: 'types.wasm: ok\nkinds.wat: ok\ntrap.wasm: ok\n', stderr: '' });
  });

  it.concurrent('gives the reason and byte offset per invalid file, exit 4', async ({ expect }) => {
    const r = await cli(['validate', 'types.wasm', 'truncated.wasm', 'illtyped.wasm', 'notes.txt'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchInlineSnapshot(`
      "types.wasm: ok
      truncated.wasm: the type section declares 44 bytes but only 30 remain (at byte 0x8)
      illtyped.wasm: invalid module: Compiling function #0 failed: type error in fallthru[0] (expected i32, got i64) (at byte 0x1a)
      notes.txt: invalid WebAssembly text: notes.txt:1:1: unexpected token "hello", expected a module field or a module. (and 1 more error)
      "
    `);
  });

  it.concurrent('agrees with WebAssembly.validate', async ({ expect }) => {
    const files = ['types.wasm', 'kinds.wasm', 'proposals.wasm', 'truncated.wasm', 'illtyped.wasm'];
    const r = await cli(['validate', '--json', ...files], { cwd: dir });
    const verdicts = JSON.parse(r.stdout) as { file: string; valid: boolean }[];
    expect(verdicts.map((v) => v.file)).toEqual(files);
    for (const v of verdicts) expect(v.valid, v.file).toBe(WebAssembly.validate(readFileSync(join(dir, v.file))));
  });

  it.concurrent('--quiet prints only failures', async ({ expect }) => {
    const r = await cli(['validate', '--quiet', 'types.wasm', 'illtyped.wasm', 'kinds.wasm'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout).toMatch(/^illtyped\.wasm: /);
    const ok = await cli(['validate', '-q', 'types.wasm'], { cwd: dir });
    expect(ok).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.concurrent('--json gives an array of verdicts with code, message and offset', async ({ expect }) => {
    const r = await cli(['validate', '--json', 'types.wasm', 'illtyped.wasm', 'missing.wasm'], { cwd: dir });
    expect(r.code).toBe(3); // an unreadable file wins over an invalid one
    const doc = JSON.parse(r.stdout);
    expect(doc[0]).toEqual({ file: 'types.wasm', valid: true });
    expect(doc[1]).toMatchObject({ file: 'illtyped.wasm', valid: false, error: { code: 'ERR_COMPILE' } });
    expect(doc[1].error.offset).toBeGreaterThan(0);
    expect(doc[2]).toEqual({
      file: 'missing.wasm',
      valid: false,
      error: { code: 'ERR_INPUT_NOT_FOUND', message: 'missing.wasm: no such file', offset: null },
    });
  });

  it.concurrent('reads one module from stdin with -', async ({ expect }) => {
    const ok = await cli(['validate', '-'], { cwd: dir, input: readFileSync(join(dir, 'types.wasm')) });
    expect(ok).toEqual({ code: 0, stdout: '<stdin>: ok\n', stderr: '' });
    const bad = await cli(['validate', '-'], { cwd: dir, input: ILL_TYPED });
    expect(bad.code).toBe(4);
    expect(bad.stdout).toMatch(/^<stdin>: .*\(at byte 0x[0-9a-f]+\)\n$/);
  });
});

describe('compile', () => {
  it.concurrent('writes an artifact that run, call and inspect accept', async ({ expect }) => {
    const out = join(dir, 'types-compiled.wasmu');
    const r = await cli(['compile', 'types.wasm', '-o', out], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*types-compiled\.wasmu \(/);
    expect(readFileSync(out).subarray(0, 8)).toEqual(Buffer.from('\x89WTSART\n', 'latin1'));
    expect((await cli(['call', out, 'add', '40', '2'], { cwd: dir })).stdout).toBe('42\n');
    expect((await cli(['run', out, '--invoke', 'swap', '1', '2'], { cwd: dir })).stdout).toBe('2\n1\n');
    expect((await cli(['validate', out], { cwd: dir })).stdout).toBe(`${out}: ok\n`);
  });

  it.concurrent('defaults the output to FILE.wasmu and reports it in --json', async ({ expect }) => {
    const r = await cli(['compile', 'trap.wat', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ input: 'trap.wat', output: 'trap.wasmu' });
    expect(doc.size).toBe(readFileSync(join(dir, 'trap.wasmu')).byteLength);
  });

  it.concurrent('a damaged artifact is an invalid module (exit 4)', async ({ expect }) => {
    const out = join(dir, 'kinds-compiled.wasmu');
    expect((await cli(['compile', 'kinds.wasm', '-o', out], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'cut.wasmu'), readFileSync(out).subarray(0, 100));
    const r = await cli(['run', 'cut.wasmu', '--invoke', 'pair'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: cut\.wasmu: artifact is truncated/);
  });

  it.concurrent('refuses an output it cannot write (exit 3) and an invalid input (exit 4)', async ({ expect }) => {
    const a = await cli(['compile', 'types.wasm', '-o', '/no/such/dir/out.wasmu'], { cwd: dir });
    expect(a.code).toBe(3);
    expect(a.stderr).toBe('error: cannot write /no/such/dir/out.wasmu: directory /no/such/dir does not exist\n');
    const b = await cli(['compile', 'illtyped.wasm', '-o', 'x.wasmu'], { cwd: dir });
    expect(b.code).toBe(4);
  });
});
