// The escape suite: a guest (fixtures/wasi/escape.c) tries every route out of its
// preopened directory; every attempt must fail with the right errno and nothing
// outside the sandbox may change.
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { WASI as NodeWasi } from 'node:wasi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Component, Instance, Module, runProgram } from '../../../src/runtime/index.js';
import { Wasi } from '../../../src/runtime/wasi/index.js';
import { HANDLE_WALK } from '../../../src/runtime/wasi/sandbox.js';
import { wat } from '../../helpers/wat.js';
import { makeEscapeTree, treeHash } from './escape-tree.js';
import { keyValues, runWasi, WASI_FIXTURES, wasiFixture } from './helpers.js';

/** A guest driven step by step from the test: open a directory, then make one inside it. */
const STEPS = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "open_dir") (param $ptr i32) (param $len i32) (result i32) (local $e i32)
    (local.set $e (call $path_open (i32.const 3) (i32.const 0) (local.get $ptr) (local.get $len) (i32.const 2)
      (i64.const 0x2200) (i64.const 0x1fffffff) (i32.const 0) (i32.const 0)))
    (if (result i32) (local.get $e) (then (i32.sub (i32.const 0) (local.get $e))) (else (i32.load (i32.const 0)))))
  (func (export "mkdir") (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (call $mkdir (local.get $fd) (local.get $ptr) (local.get $len))))`;

const NOTCAPABLE = '76';
const LOOP = '32';
const ILSEQ = '25';

/** What escape.c prints under preview1: the errno of every attempt. */
const EXPECTED: Readonly<Record<string, string>> = {
  dotdot: NOTCAPABLE,
  dotdot_nested: NOTCAPABLE,
  dotdot_deep: NOTCAPABLE,
  absolute: NOTCAPABLE,
  absolute_etc: NOTCAPABLE,
  dotdot_create: NOTCAPABLE,
  link_rel_follow: NOTCAPABLE,
  // Not following a final symlink is O_NOFOLLOW: ELOOP, as on Linux.
  link_rel_nofollow: LOOP,
  link_abs_follow: NOTCAPABLE,
  link_chain_follow: NOTCAPABLE,
  link_dangling_create: NOTCAPABLE,
  link_dir_middle: NOTCAPABLE,
  link_abs_dir_middle: NOTCAPABLE,
  link_dir_trailing_slash: NOTCAPABLE,
  link_in_subdir_middle: NOTCAPABLE,
  stat_follow_rel: NOTCAPABLE,
  stat_follow_abs: NOTCAPABLE,
  set_times_dotdot: NOTCAPABLE,
  set_times_follow: NOTCAPABLE,
  symlink_create_rel: NOTCAPABLE,
  symlink_create_abs: NOTCAPABLE,
  symlink_create_deep: NOTCAPABLE,
  symlink_path_dotdot: NOTCAPABLE,
  symlink_inside: '0',
  symlink_inside_open: '0',
  symlink_subdir_up: '0',
  symlink_subdir_up_twice: NOTCAPABLE,
  symlink_dot: '0',
  symlink_climb_after_name: NOTCAPABLE,
  symlink_sub_up_ok: '0',
  rename_link_shallower: NOTCAPABLE,
  hardlink_link_shallower: NOTCAPABLE,
  link_source_dotdot: NOTCAPABLE,
  link_target_dotdot: NOTCAPABLE,
  link_source_follow: NOTCAPABLE,
  link_source_abs: NOTCAPABLE,
  rename_source_dotdot: NOTCAPABLE,
  rename_target_dotdot: NOTCAPABLE,
  rename_target_via_link: NOTCAPABLE,
  mkdir_dotdot: NOTCAPABLE,
  mkdir_via_link: NOTCAPABLE,
  unlink_dotdot: NOTCAPABLE,
  unlink_via_link: NOTCAPABLE,
  rmdir_dotdot: NOTCAPABLE,
  nul_open: ILSEQ,
  nul_symlink_target: ILSEQ,
  open_sub: '0',
  sub_dotdot: NOTCAPABLE,
  sub_dotdot_secret: NOTCAPABLE,
  inside: '0',
};

let top: string;
let sandbox: string;

beforeEach(() => {
  ({ top, sandbox } = makeEscapeTree('wasmer-ts-escape-'));
});

afterEach(() => rmSync(top, { recursive: true, force: true }));

describe('the WASI sandbox', () => {
  it('refuses every route out of the preopen and changes nothing outside it', () => {
    const before = treeHash(top, sandbox);
    const { exitCode, stdout } = runWasi(wasiFixture('escape'), { preopens: { '/': sandbox } });
    expect(exitCode).toBe(0);
    const results = keyValues(stdout);
    expect(Object.fromEntries(results)).toEqual(EXPECTED);
    expect(treeHash(top, sandbox)).toBe(before);
    expect(readdirSync(top).sort()).toEqual(['outside', 'sandbox', 'secret']);
    // The links the guest was allowed to make stay inside; the refused ones were not made.
    expect(readlinkSync(join(sandbox, 'mine_ok'))).toBe('inside.txt');
    expect(readdirSync(sandbox)).not.toContain('mine_rel');
    expect(readdirSync(sandbox)).not.toContain('mine_abs');
  });

  // Another host process (here: the test) renames a directory the guest holds open
  // and plants a symlink to the outside in its place. On Linux the fd still names
  // the directory it was opened on (we walk from /proc/self/fd/N), so nothing
  // lands outside. Without /proc this is the documented race.
  it.skipIf(!HANDLE_WALK)(
    'keeps a directory fd on its directory when the host swaps the path for a symlink',
    async () => {
      mkdirSync(join(sandbox, 'held'));
      const module = new Module(await wat(STEPS));
      const wasi = new Wasi({ preopens: { '/': sandbox } });
      const instance = new Instance(module, wasi.getImports(module));
      wasi.initialize(instance);
      const exports = instance.exports as Record<string, (...a: number[]) => number>;
      const memory = new Uint8Array((instance.raw.exports.memory as WebAssembly.Memory).buffer);
      const put = (text: string) => {
        memory.set(new TextEncoder().encode(text), 1024);
        return text.length;
      };
      const held = exports.open_dir!(1024, put('held'));
      const dot = exports.open_dir!(1024, put('.'));
      expect(held).toBeGreaterThan(3);
      expect(dot).toBeGreaterThan(3);
      renameSync(join(sandbox, 'held'), join(sandbox, 'held_away'));
      symlinkSync(top, join(sandbox, 'held'));
      const before = treeHash(top, sandbox);
      expect(exports.mkdir!(held, 1024, put('made_here'))).toBe(0);
      expect(exports.mkdir!(dot, 1024, put('made_at_root'))).toBe(0);
      expect(readdirSync(join(sandbox, 'held_away'))).toEqual(['made_here']);
      expect(readdirSync(sandbox)).toContain('made_at_root');
      expect(readdirSync(top).sort()).toEqual(['outside', 'sandbox', 'secret']);
      expect(treeHash(top, sandbox)).toBe(before);
    },
  );

  // The same guest as a WASI 0.2 command component (adapted with the preview1 adapter):
  // every path goes through the same resolver; the adapter reports wasi:filesystem's
  // `not-permitted` as EPERM (63) where preview1 says ENOTCAPABLE.
  it('refuses every route out of the preopen under WASI 0.2 too, and changes nothing outside it', async () => {
    const before = treeHash(top, sandbox);
    const guest = new Component(readFileSync(join(WASI_FIXTURES, 'escape.component.wasm')));
    const { exitCode, stdout } = await runProgram({
      component: guest,
      wasi: { preopens: { '/': sandbox }, stdout: 'pipe', stderr: 'pipe' },
    });
    expect(exitCode).toBe(0);
    const results = keyValues(new TextDecoder().decode(stdout));
    const EPERM = '63';
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, v === NOTCAPABLE ? EPERM : v]));
    expect(Object.fromEntries(results)).toEqual(expected);
    expect(new TextDecoder().decode(stdout)).not.toContain('SECRET');
    expect(treeHash(top, sandbox)).toBe(before);
    expect(readdirSync(top).sort()).toEqual(['outside', 'sandbox', 'secret']);
    expect(readlinkSync(join(sandbox, 'mine_ok'))).toBe('inside.txt');
    expect(readdirSync(sandbox)).not.toContain('mine_rel');
    expect(readdirSync(sandbox)).not.toContain('mine_abs');
  });

  it('does not let the guest read the secret through any route', () => {
    const { stdout } = runWasi(wasiFixture('escape'), { preopens: { '/': sandbox } });
    expect(stdout).not.toContain('SECRET');
  });

  // Why wasmer-ts has its own WASI: Node's built-in one resolves through a symlink
  // out of the preopen (its docs say not to run untrusted code with it).
  it('contrast: under node:wasi the same guest deletes the secret beside the sandbox', () => {
    const devNull = openSync('/dev/null', 'w');
    try {
      const wasi = new NodeWasi({
        version: 'preview1',
        preopens: { '/': sandbox },
        returnOnExit: true,
        stdout: devNull,
      });
      const instance = new WebAssembly.Instance(
        new WebAssembly.Module(wasiFixture('escape')),
        wasi.getImportObject() as WebAssembly.Imports,
      );
      wasi.start(instance);
    } finally {
      closeSync(devNull);
    }
    expect(readdirSync(top)).not.toContain('secret');
  });
});
