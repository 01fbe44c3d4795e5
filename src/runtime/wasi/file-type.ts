/**
 * What lstat(2) or fstat(2) says a file is (its mode's S_IFMT bits), with its device
 * and inode, without the Stats object Node makes of every stat: about 900 bytes of
 * garbage each, 70% of what a path_open made (three stats a call, 3.8 KB in all,
 * sampling heap profile, Node 20), where node:wasi makes none. The path syscalls of
 * big programs (LLVM's stats and readlinks of every file it meets) made the young
 * generation fill over and over (issue 10). The native addon's statType where it is
 * built (native/src/stat-type.cc); else, and for every error but ENOENT (so that the
 * error is Node's, with its code), Node's lstatSync and fstatSync.
 */
import { constants as fsc, fstatSync, lstatSync } from 'node:fs';
import { nativeAddon } from '../engine/native.js';

/** The device and inode of the file the last lstatType or fstatType found, as Node's Stats give them. */
export const statIds = new Float64Array(2);

type NativeStatType = (target: string | number, ids: Float64Array) => number;
type NativeStatTypeIn = (dir: string, name: string, ids: Float64Array) => number;
type NativeFilestat = (target: string | number, memory: Uint8Array, offset: number) => number;

/** null until first asked; then the addon's statType, or false without it. */
let native: NativeStatType | false | null = null;
/** The same for its filestat. */
let nativeFilestat: NativeFilestat | false | null = null;
/** The same for its statTypeIn. */
let nativeIn: NativeStatTypeIn | false | null = null;

function nativeStatType(): NativeStatType | false {
  native ??= nativeAddon()?.statType ?? false;
  return native;
}

/**
 * lstat(2) of a path, or fstat(2) of an fd, written as a WASI preview1 filestat (64 bytes,
 * the filetype byte left 0) at `memory[offset]` by the addon: no BigIntStats, whose every
 * field is a BigInt. The mode's S_IFMT bits when it wrote, 0 when nothing is there
 * (ENOENT: no Error made for it, as LLVM stats every header path it searches), else -1 (no
 * addon, or another error: the caller stats with Node, whose error it reports).
 */
export function filestatInto(target: string | number, memory: Uint8Array, offset: number): number {
  nativeFilestat ??= nativeAddon()?.filestat ?? false;
  if (nativeFilestat === false) return -1;
  const type = nativeFilestat(target, memory, offset);
  return type >= 0 ? type : -1;
}

const NO_THROW = { throwIfNoEntry: false } as const;

/** lstat(2) of `path`: its S_IFMT bits, or 0 when nothing is there; throws Node's error for anything else. */
export function lstatType(path: string): number {
  return lstatTypeWith(nativeStatType(), path);
}

/**
 * lstatType of `dir/name` (`name` one component, not empty): the sandbox's walk stats every
 * component in the directory it holds, and with the addon no string of the joined path is
 * made for it (one string, then its flattened copy, per component walked).
 */
export function lstatTypeIn(dir: string, name: string): number {
  nativeIn ??= nativeAddon()?.statTypeIn ?? false;
  return lstatTypeInWith(nativeIn, dir, name);
}

/** lstatTypeIn with the addon's statTypeIn, or (false) through lstatType of the joined path: the tests run both. */
export function lstatTypeInWith(statTypeIn: NativeStatTypeIn | false, dir: string, name: string): number {
  if (statTypeIn !== false) {
    const type = statTypeIn(dir, name, statIds);
    if (type >= 0) return type;
  }
  return lstatType(childPath(dir, name));
}

/** The host path of `name` in the directory `parent` (the sandbox's walk joins with this). */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** fstat(2) of `fd`: its S_IFMT bits; throws Node's error. */
export function fstatType(fd: number): number {
  return fstatTypeWith(nativeStatType(), fd);
}

/** lstatType with the addon's statType, or (false) Node's lstatSync alone: the tests run both. */
export function lstatTypeWith(statType: NativeStatType | false, path: string): number {
  if (statType !== false) {
    const type = statType(path, statIds);
    if (type >= 0) return type;
  }
  const st = lstatSync(path, NO_THROW);
  if (st === undefined) return 0;
  statIds[0] = st.dev;
  statIds[1] = st.ino;
  return st.mode & fsc.S_IFMT;
}

/** fstatType with the addon's statType, or (false) Node's fstatSync alone. */
export function fstatTypeWith(statType: NativeStatType | false, fd: number): number {
  if (statType !== false) {
    const type = statType(fd, statIds);
    if (type > 0) return type;
  }
  const st = fstatSync(fd);
  statIds[0] = st.dev;
  statIds[1] = st.ino;
  return st.mode & fsc.S_IFMT;
}
