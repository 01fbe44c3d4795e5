// The escape suite for WASI 0.2, the routes of test/runtime/wasi/escape.test.ts (the
// preview1 guest fixtures/wasi/escape.c) taken through the 0.2 host: every attempt
// out of the preopen must fail with its error code and nothing outside may change.
// Where preview1 says ENOTCAPABLE, the WIT says `not-permitted`.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResultError } from '../../../../src/runtime/errors.js';
import type { Descriptor } from '../../../../src/runtime/wasi/p2/filesystem.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { HANDLE_WALK } from '../../../../src/runtime/wasi/sandbox.js';
import { makeEscapeTree, SECRET, treeHash } from '../escape-tree.js';
import { p2, str } from './helpers.js';

const R = { read: true };
const RW = { read: true, write: true };
const FOLLOW = { symlinkFollow: true };
const DENIED = 'not-permitted';

let top: string;
let sandbox: string;
let host: WasiP2Host;

beforeEach(() => {
  ({ top, sandbox } = makeEscapeTree('wasmer-ts-p2-escape-'));
  host = createWasiP2Host({ preopens: { '/': sandbox } });
});

afterEach(() => {
  host.dispose();
  rmSync(top, { recursive: true, force: true });
});

/** 'ok' when `call` returns, else the error code it throws as a ResultError. */
function attempt(call: () => unknown): unknown {
  try {
    call();
    return 'ok';
  } catch (err) {
    if (err instanceof ResultError) return err.payload;
    throw err;
  }
}

/** Every route out, in the order of fixtures/wasi/escape.c, plus the ones only 0.2 has. */
function routes(root: Descriptor): Record<string, () => unknown> {
  const now = { tag: 'now' } as const;
  let sub: Descriptor | undefined;
  return {
    // `..` and absolute paths.
    dotdot: () => root.openAt({}, '../secret', {}, R),
    dotdot_nested: () => root.openAt({}, 'sub/../../secret', {}, R),
    dotdot_deep: () => root.openAt({}, 'sub/../sub/../../../../../../etc/passwd', {}, R),
    absolute: () => root.openAt({}, '/secret', {}, R),
    absolute_etc: () => root.openAt({}, '/etc/passwd', {}, R),
    dotdot_create: () => root.openAt({}, '../created', { create: true }, RW),
    // Symlinks the host left in the sandbox, followed at the end or in the middle.
    link_rel_follow: () => root.openAt(FOLLOW, 'rel_out', {}, R),
    link_rel_nofollow: () => root.openAt({}, 'rel_out', {}, R),
    link_abs_follow: () => root.openAt(FOLLOW, 'abs_out', {}, R),
    link_chain_follow: () => root.openAt(FOLLOW, 'chain1', {}, R),
    link_dangling_create: () => root.openAt(FOLLOW, 'dangling_out', { create: true }, RW),
    link_dir_middle: () => root.openAt({}, 'dir_out/secret', {}, R),
    link_abs_dir_middle: () => root.openAt({}, 'abs_dir_out/secret', {}, R),
    link_dir_trailing_slash: () => root.openAt({}, 'dir_out/', { directory: true }, R),
    link_in_subdir_middle: () => root.openAt({}, 'sub/up2/secret', {}, R),
    stat_follow_rel: () => root.statAt(FOLLOW, 'rel_out'),
    stat_follow_abs: () => root.statAt(FOLLOW, 'abs_out'),
    set_times_dotdot: () => root.setTimesAt({}, '../secret', now, now),
    set_times_follow: () => root.setTimesAt(FOLLOW, 'rel_out', now, now),
    hash_follow: () => root.metadataHashAt(FOLLOW, 'rel_out'),
    hash_dotdot: () => root.metadataHashAt({}, '../secret'),
    readlink_dotdot: () => root.readlinkAt('../sandbox/rel_out'),
    readlink_absolute: () => root.readlinkAt('abs_out'),
    // Symlinks the guest creates itself.
    symlink_create_rel: () => root.symlinkAt('../secret', 'mine_rel'),
    symlink_create_abs: () => root.symlinkAt('/etc/passwd', 'mine_abs'),
    symlink_create_deep: () => root.symlinkAt('../../secret', 'sub/mine_deep'),
    symlink_path_dotdot: () => root.symlinkAt('inside.txt', '../planted'),
    // A link that stays inside is fine, and a chain through it cannot climb out either.
    symlink_inside: () => root.symlinkAt('inside.txt', 'mine_ok'),
    symlink_inside_open: () => root.openAt(FOLLOW, 'mine_ok', {}, R),
    symlink_subdir_up: () => root.symlinkAt('..', 'sub/up'),
    symlink_subdir_up_twice: () => root.openAt({}, 'sub/up/sub/up/../secret', {}, R),
    // `z` -> `.` is fine, but `z/..` climbs out of the root for any host program.
    symlink_dot: () => root.symlinkAt('.', 'z'),
    symlink_climb_after_name: () => root.symlinkAt('z/..', 'zz'),
    // A link that is fine where it is, moved somewhere shallower, would point out.
    symlink_sub_up_ok: () => root.symlinkAt('../inside.txt', 'sub/ok_up'),
    rename_link_shallower: () => root.renameAt('sub/ok_up', root, 'moved_up'),
    hardlink_link_shallower: () => root.linkAt({}, 'sub/ok_up', root, 'linked_up'),
    // link-at, rename-at: both sides checked.
    link_source_dotdot: () => root.linkAt({}, '../secret', root, 'stolen'),
    link_target_dotdot: () => root.linkAt({}, 'inside.txt', root, '../planted'),
    link_source_follow: () => root.linkAt(FOLLOW, 'rel_out', root, 'stolen'),
    link_source_abs: () => root.linkAt({}, '/secret', root, 'stolen'),
    rename_source_dotdot: () => root.renameAt('../secret', root, 'stolen'),
    rename_target_dotdot: () => root.renameAt('inside.txt', root, '../planted'),
    rename_target_via_link: () => root.renameAt('inside.txt', root, 'dir_out/planted'),
    // Directory operations outside.
    mkdir_dotdot: () => root.createDirectoryAt('../newdir'),
    mkdir_via_link: () => root.createDirectoryAt('dir_out/newdir'),
    unlink_dotdot: () => root.unlinkFileAt('../secret'),
    unlink_via_link: () => root.unlinkFileAt('dir_out/secret'),
    rmdir_dotdot: () => root.removeDirectoryAt('..'),
    // NUL: the host must not cut the path at the NUL.
    nul_open: () => root.openAt({}, 'inside.txt\0../secret', {}, R),
    nul_symlink_target: () => root.symlinkAt('inside.txt\0/x', 'mine_nul'),
    // A subdirectory's descriptor is its own root: it cannot climb back up.
    open_sub: () => {
      sub = root.openAt({}, 'sub', { directory: true }, { read: true, mutateDirectory: true });
    },
    sub_dotdot: () => sub!.openAt({}, '../inside.txt', {}, R),
    sub_dotdot_secret: () => sub!.openAt({}, '../../secret', {}, R),
    // A link made through it may climb as far as its preopen (host programs that follow it
    // stay inside), but the descriptor itself still cannot follow it up.
    sub_symlink_up: () => sub!.symlinkAt('../inside.txt', 'up_from_sub'),
    sub_symlink_up_open: () => sub!.openAt(FOLLOW, 'up_from_sub', {}, R),
    root_symlink_up_open: () => root.openAt(FOLLOW, 'sub/up_from_sub', {}, R),
    sub_symlink_up_twice: () => sub!.symlinkAt('../../secret', 'out_from_sub'),
    sub_rename_up: () => root.renameAt('inside.txt', sub!, '../moved'),
    sub_link_into: () => root.linkAt({}, 'inside.txt', sub!, '../../planted'),
    // The secret is really there: reading the legitimate file works.
    inside: () => root.openAt({}, 'inside.txt', {}, R),
  };
}

describe('the WASI 0.2 sandbox', () => {
  it('refuses every route out of the preopen and changes nothing outside it', () => {
    const before = treeHash(top, sandbox);
    const root = p2(host).preopens.getDirectories()[0]![0];
    const results = Object.fromEntries(Object.entries(routes(root)).map(([name, call]) => [name, attempt(call)]));
    expect(results).toEqual({
      dotdot: DENIED,
      dotdot_nested: DENIED,
      dotdot_deep: DENIED,
      absolute: DENIED,
      absolute_etc: DENIED,
      dotdot_create: DENIED,
      link_rel_follow: DENIED,
      // Not following a final symlink is O_NOFOLLOW: loop, as on Linux.
      link_rel_nofollow: 'loop',
      link_abs_follow: DENIED,
      link_chain_follow: DENIED,
      link_dangling_create: DENIED,
      link_dir_middle: DENIED,
      link_abs_dir_middle: DENIED,
      link_dir_trailing_slash: DENIED,
      link_in_subdir_middle: DENIED,
      stat_follow_rel: DENIED,
      stat_follow_abs: DENIED,
      set_times_dotdot: DENIED,
      set_times_follow: DENIED,
      hash_follow: DENIED,
      hash_dotdot: DENIED,
      readlink_dotdot: DENIED,
      readlink_absolute: DENIED,
      symlink_create_rel: DENIED,
      symlink_create_abs: DENIED,
      symlink_create_deep: DENIED,
      symlink_path_dotdot: DENIED,
      symlink_inside: 'ok',
      symlink_inside_open: 'ok',
      symlink_subdir_up: 'ok',
      symlink_subdir_up_twice: DENIED,
      symlink_dot: 'ok',
      symlink_climb_after_name: DENIED,
      symlink_sub_up_ok: 'ok',
      rename_link_shallower: DENIED,
      hardlink_link_shallower: DENIED,
      link_source_dotdot: DENIED,
      link_target_dotdot: DENIED,
      link_source_follow: DENIED,
      link_source_abs: DENIED,
      rename_source_dotdot: DENIED,
      rename_target_dotdot: DENIED,
      rename_target_via_link: DENIED,
      mkdir_dotdot: DENIED,
      mkdir_via_link: DENIED,
      unlink_dotdot: DENIED,
      unlink_via_link: DENIED,
      rmdir_dotdot: DENIED,
      nul_open: 'illegal-byte-sequence',
      nul_symlink_target: 'illegal-byte-sequence',
      open_sub: 'ok',
      sub_dotdot: DENIED,
      sub_dotdot_secret: DENIED,
      sub_symlink_up: 'ok',
      sub_symlink_up_open: DENIED,
      root_symlink_up_open: 'ok',
      sub_symlink_up_twice: DENIED,
      sub_rename_up: DENIED,
      sub_link_into: DENIED,
      inside: 'ok',
    });
    expect(treeHash(top, sandbox)).toBe(before);
    expect(readdirSync(top).sort()).toEqual(['outside', 'sandbox', 'secret']);
    expect(readFileSync(join(top, 'secret'), 'utf8')).toBe(SECRET);
    // The links the guest was allowed to make stay inside; the refused ones were not made.
    expect(readlinkSync(join(sandbox, 'mine_ok'))).toBe('inside.txt');
    const made = readdirSync(sandbox);
    for (const refused of ['mine_rel', 'mine_abs', 'zz', 'moved_up', 'linked_up', 'stolen', 'mine_nul', 'moved']) {
      expect(made).not.toContain(refused);
    }
    expect(readdirSync(join(sandbox, 'sub')).sort()).toEqual(['ok_up', 'up', 'up2', 'up_from_sub']);
  });

  it('never hands the secret to the guest, through any read', () => {
    const api = p2(host);
    const root = api.preopens.getDirectories()[0]![0];
    const seen: string[] = [];
    for (const path of ['rel_out', 'abs_out', 'chain1', 'dir_out/secret', 'abs_dir_out/secret', 'sub/up2/secret']) {
      for (const flags of [{}, FOLLOW]) {
        try {
          const file = root.openAt(flags, path, {}, R);
          seen.push(str(file.read(1000n, 0n)[0]));
        } catch (err) {
          if (!(err instanceof ResultError)) throw err;
        }
      }
    }
    expect(seen).toEqual([]);
    // readlink gives the string of a relative link (no bytes of its target), never an absolute one.
    expect(root.readlinkAt('rel_out')).toBe('../secret');
  });

  // Another host process (here: the test) renames a directory the guest holds open and
  // plants a symlink to the outside in its place. On Linux the descriptor still names
  // the directory it was opened on (resolution starts at /proc/self/fd/N).
  it.skipIf(!HANDLE_WALK)('keeps a directory descriptor on its directory when the host swaps the path', () => {
    mkdirSync(join(sandbox, 'held'));
    const root = p2(host).preopens.getDirectories()[0]![0];
    const held = root.openAt({}, 'held', {}, { read: true, mutateDirectory: true });
    const dot = root.openAt({}, '.', {}, { read: true, mutateDirectory: true });
    renameSync(join(sandbox, 'held'), join(sandbox, 'held_away'));
    symlinkSync(top, join(sandbox, 'held'));
    const before = treeHash(top, sandbox);
    held.createDirectoryAt('made_here');
    dot.createDirectoryAt('made_at_root');
    expect(readdirSync(join(sandbox, 'held_away'))).toEqual(['made_here']);
    expect(readdirSync(sandbox)).toContain('made_at_root');
    expect(readdirSync(top).sort()).toEqual(['outside', 'sandbox', 'secret']);
    expect(treeHash(top, sandbox)).toBe(before);
  });
});
