// An uncaught Wasm exception on the command line: exit 134 like a trap, with the tag and
// payload on stderr, in this process and through the worker thread (--timeout).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { wat } from '../helpers/wat.js';
import { cli } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-exceptions-'));
  const text = `(module
    (tag $e (export "e") (param i32 i64))
    (tag $hidden (param i32))
    (func (export "boom") (param i32) (throw $e (local.get 0) (i64.const -2)))
    (func (export "hidden") (throw $hidden (i32.const 1))))`;
  writeFileSync(join(dir, 'throw.wasm'), await wat(text));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an uncaught Wasm exception', () => {
  it.concurrent('exits 134 with its tag and payload', async ({ expect }) => {
    const r = await cli(['call', 'throw.wasm', 'boom', '7'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: uncaught Wasm exception: tag e (i32, i64), payload 7, -2n\n');
  });

  it.concurrent('says the same from the worker thread that runs a call with --timeout', async ({ expect }) => {
    const r = await cli(['call', 'throw.wasm', 'boom', '7', '--timeout', '10s'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(r.stderr).toBe('error: uncaught Wasm exception: tag e (i32, i64), payload 7, -2n\n');
  });

  it.concurrent('with a tag the module keeps to itself, says why the payload is not shown', async ({ expect }) => {
    const r = await cli(['call', 'throw.wasm', 'hidden'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^error: uncaught Wasm exception with a tag this module neither exports nor imports/);
  });

  it.concurrent('--json reports it with its code', async ({ expect }) => {
    const r = await cli(['call', 'throw.wasm', 'boom', '1', '--json'], { cwd: dir });
    expect(r.code).toBe(134);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ERR_WASM_EXCEPTION', exitCode: 134 });
  });
});
