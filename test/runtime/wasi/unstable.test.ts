// `wasi_unstable` (snapshot 0) differs from preview1 in whence numbering, the
// filestat layout (nlink is u32) and the clock subscription (an extra identifier).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Instance, Module } from '../../../src/runtime/index.js';
import { Wasi } from '../../../src/runtime/wasi/index.js';
import { wat } from '../../helpers/wat.js';

const SOURCE = `(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "f.txt")
  (data (i32.const 32) "abcdef")
  (data (i32.const 48) "\\20\\00\\00\\00\\06\\00\\00\\00")
  ;; a clock subscription, snapshot-0 layout: userdata 7, tag 0, identifier 99,
  ;; clock MONOTONIC at +24, timeout 1 ms at +32
  (data (i32.const 400) "\\07\\00\\00\\00\\00\\00\\00\\00" "\\00\\00\\00\\00\\00\\00\\00\\00"
                        "\\63\\00\\00\\00\\00\\00\\00\\00" "\\01\\00\\00\\00\\00\\00\\00\\00"
                        "\\40\\42\\0f\\00\\00\\00\\00\\00")
  (func (export "_start") (local $fd i32)
    (i32.store (i32.const 200) (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 5)
      (i32.const 1) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 100)))
    (local.set $fd (i32.load (i32.const 100)))
    (i32.store (i32.const 204) (call $fd_write (local.get $fd) (i32.const 48) (i32.const 1) (i32.const 104)))
    ;; whence 2 is SET in snapshot 0
    (i32.store (i32.const 208) (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 2) (i32.const 112)))
    (i64.store (i32.const 120) (i64.load (i32.const 112)))
    ;; whence 1 is END
    (i32.store (i32.const 212) (call $fd_seek (local.get $fd) (i64.const -2) (i32.const 1) (i32.const 112)))
    (i64.store (i32.const 128) (i64.load (i32.const 112)))
    ;; whence 0 is CUR
    (i32.store (i32.const 216) (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 112)))
    (i64.store (i32.const 136) (i64.load (i32.const 112)))
    (i32.store (i32.const 220) (call $fd_filestat_get (local.get $fd) (i32.const 304)))
    (i32.store (i32.const 224) (call $poll_oneoff (i32.const 400) (i32.const 500) (i32.const 1) (i32.const 600)))))`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-unstable-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('serves wasi_unstable modules with the snapshot-0 whence, filestat and subscription layouts', async () => {
  const module = new Module(await wat(SOURCE));
  const wasi = new Wasi({ preopens: { '/': dir } });
  const imports = wasi.getImports(module);
  expect(Object.keys(imports)).toEqual(['wasi_unstable']);
  const instance = new Instance(module, imports);
  expect(wasi.start(instance)).toBe(0);
  const dv = new DataView((instance.raw.exports.memory as WebAssembly.Memory).buffer);
  for (let p = 200; p <= 224; p += 4) expect(dv.getUint32(p, true), `errno at ${p}`).toBe(0);
  expect(dv.getBigUint64(120, true)).toBe(1n); // SET 1
  expect(dv.getBigUint64(128, true)).toBe(4n); // END - 2
  expect(dv.getBigUint64(136, true)).toBe(5n); // CUR + 1
  expect(dv.getUint8(304 + 16)).toBe(4); // regular file
  expect(dv.getUint32(304 + 20, true)).toBe(1); // nlink, u32
  expect(dv.getBigUint64(304 + 24, true)).toBe(6n); // size
  expect(dv.getUint32(600, true)).toBe(1); // one event
  expect(dv.getBigUint64(500, true)).toBe(7n); // its userdata
  expect(dv.getUint16(508, true)).toBe(0); // no error: the clock id was read from +24
  expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('abcdef');
});
