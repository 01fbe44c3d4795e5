/**
 * The one table of the WASI functions we provide, with each one's Wasm-level
 * type from the preview1 witx (wasi_unstable has the same types for the functions
 * it shares). The host's import object is typed by this table (host.ts: a name
 * missing on either side, or a parameter of the wrong JS type, does not compile),
 * and test/runtime/wasi/syscall-table.test.ts checks each import's arity against it.
 * V8 does not check the type of a JS function import, so without
 * `checkWasiImportTypes` a module that declares `fd_write: (i32) -> ()` would link
 * and then call us with missing arguments.
 * `I` is an i32 parameter, `L` an i64 (timestamps, sizes, offsets, rights, cookies);
 * every function returns an i32 errno except `proc_exit`, which returns nothing.
 */
import { LinkError } from '../errors.js';
import { formatSignature } from '../kinds.js';
import type { Import, ValType } from '../parser/types.js';

export const SYSCALLS = {
  args_get: 'II',
  args_sizes_get: 'II',
  environ_get: 'II',
  environ_sizes_get: 'II',
  clock_res_get: 'II',
  clock_time_get: 'ILI',
  fd_advise: 'ILLI',
  fd_allocate: 'ILL',
  fd_close: 'I',
  fd_datasync: 'I',
  fd_fdstat_get: 'II',
  fd_fdstat_set_flags: 'II',
  fd_fdstat_set_rights: 'ILL',
  fd_filestat_get: 'II',
  fd_filestat_set_size: 'IL',
  fd_filestat_set_times: 'ILLI',
  fd_pread: 'IIILI',
  fd_prestat_get: 'II',
  fd_prestat_dir_name: 'III',
  fd_pwrite: 'IIILI',
  fd_read: 'IIII',
  fd_readdir: 'IIILI',
  fd_renumber: 'II',
  fd_seek: 'ILII',
  fd_sync: 'I',
  fd_tell: 'II',
  fd_write: 'IIII',
  path_create_directory: 'III',
  path_filestat_get: 'IIIII',
  path_filestat_set_times: 'IIIILLI',
  path_link: 'IIIIIII',
  path_open: 'IIIIILLII',
  path_readlink: 'IIIIII',
  path_remove_directory: 'III',
  path_rename: 'IIIIII',
  path_symlink: 'IIIII',
  path_unlink_file: 'III',
  poll_oneoff: 'IIII',
  proc_exit: 'I',
  proc_raise: 'I',
  sched_yield: '',
  random_get: 'II',
  sock_accept: 'III',
  sock_recv: 'IIIIII',
  sock_send: 'IIIII',
  sock_shutdown: 'II',
} as const;

export type SyscallName = keyof typeof SYSCALLS;

/** Functions of preview1 that wasi_unstable does not have. */
export const PREVIEW1_ONLY: ReadonlySet<SyscallName> = new Set(['sock_accept']);

/** The JS parameter types of a signature: `'IL'` -> `[number, bigint]`. */
type ParamTypes<S extends string> = S extends `I${infer R}`
  ? [number, ...ParamTypes<R>]
  : S extends `L${infer R}`
    ? [bigint, ...ParamTypes<R>]
    : [];

/** The JS function a syscall's import is: its parameters by the table, an errno back (proc_exit never returns). */
export type SyscallImport<N extends SyscallName> = (...args: ParamTypes<(typeof SYSCALLS)[N]>) => number;

function isSyscall(name: string): name is SyscallName {
  return Object.hasOwn(SYSCALLS, name);
}

/** WASI's type for `name`, or null for a name we do not provide (reported as a missing import). */
export function wasiSignature(name: string): { params: ValType[]; results: ValType[] } | null {
  if (!isSyscall(name)) return null;
  const params = [...SYSCALLS[name]].map((c): ValType => (c === 'L' ? 'i64' : 'i32'));
  return { params, results: name === 'proc_exit' ? [] : ['i32'] };
}

/**
 * Throws `LinkError` `ERR_IMPORT_TYPE` for the first function imported from
 * `namespaces` whose declared type differs from WASI's.
 */
export function checkWasiImportTypes(imports: readonly Import[], namespaces: readonly string[]): void {
  for (const imp of imports) {
    if (imp.desc.kind !== 'func' || !namespaces.includes(imp.module)) continue;
    const expected = wasiSignature(imp.name);
    if (expected === null) continue;
    const { params, results } = imp.desc.type;
    const same =
      params.length === expected.params.length &&
      results.length === expected.results.length &&
      params.every((p, i) => p === expected.params[i]) &&
      results.every((r, i) => r === expected.results[i]);
    if (!same) {
      throw new LinkError(
        'ERR_IMPORT_TYPE',
        `import ${imp.module}.${imp.name} is declared as func ${formatSignature(imp.desc.type)}, ` +
          `but WASI defines it as func ${formatSignature(expected)}`,
      );
    }
  }
}
