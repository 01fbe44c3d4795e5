// Text that is not valid WebAssembly text: one line naming the user's file with the
// first error's line and column, whichever command reads it (validate and inspect
// convert the text themselves, run and call through Module.from).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-wat-errors-'));
  writeFileSync(join(dir, 'bad.wat'), '(module\n  (func $f (result i32)\n    i32.const 1\n    i32.bogus 2\n  )\n)\n');
  writeFileSync(join(dir, 'notes.txt'), 'hello world\nthis is not wasm\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('invalid WebAssembly text', () => {
  it.concurrent('validate prints one line with FILE:LINE:COL, exit 4', async () => {
    const r = await cli(['validate', 'bad.wat'], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('bad.wat: invalid WebAssembly text: bad.wat:4:5: unexpected token i32.bogus, expected ).\n');
  });

  it.concurrent('validate --json gives the same single line as the message', async () => {
    const r = await cli(['validate', '--json', 'notes.txt'], { cwd: dir });
    expect(r.code).toBe(4);
    const [verdict] = JSON.parse(r.stdout) as { error: { code: string; message: string } }[];
    expect(verdict?.error.code).toBe('ERR_WAT');
    expect(verdict?.error.message).toBe(
      'invalid WebAssembly text: notes.txt:1:1: unexpected token "hello", expected a module field or a module. (and 1 more error)',
    );
  });

  it.concurrent('run names the file, not input.wat, and prints no wabt source excerpt', async () => {
    const r = await cli(['run', 'bad.wat'], { cwd: dir });
    expect(r.code).toBe(4);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: bad\.wat: invalid WebAssembly text: bad\.wat:4:5: unexpected token i32\.bogus/);
    expect(r.stderr).not.toContain('input.wat');
    expect(r.stderr).not.toContain('^^^');
    expect(lines.slice(1)).toEqual(['  (bad.wat is not a WebAssembly binary, so it was read as WebAssembly text)']);
  });
});
