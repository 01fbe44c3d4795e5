// WASI preview1 behaviour, area by area, through fixtures/wasi/checks.c (built
// with Debian clang + wasi-libc). Expected errnos are the spec's numbers:
// 8 BADF, 20 EXIST, 25 ILSEQ, 28 INVAL, 31 ISDIR, 32 LOOP, 37 NAMETOOLONG, 44 NOENT,
// 52 NOSYS, 54 NOTDIR, 55 NOTEMPTY, 57 NOTSOCK, 58 NOTSUP, 63 PERM, 76 NOTCAPABLE.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, Instance, Module, Trap, WasiError, WasiExit } from '../../../src/runtime/index.js';
import { Wasi, type WasiOptions } from '../../../src/runtime/wasi/index.js';
import { wat } from '../../helpers/wat.js';
import { keyValues, runWasi, wasiFixture } from './helpers.js';

const checks = wasiFixture('checks');

function area(name: string, options: Parameters<typeof runWasi>[1] = {}) {
  const outcome = runWasi(checks, { args: ['checks', name], ...options });
  return { ...outcome, values: keyValues(outcome.stdout) };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-wasi-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('args and environ', () => {
  it('passes exactly the args and env given, nothing from the host', () => {
    const { values, exitCode } = area('args', { args: ['prog', 'args', 'two words', ''], env: { A: '1', B: 'x=y' } });
    expect(exitCode).toBe(0);
    expect(values.get('argc')).toBe('4');
    expect(values.get('argv[0]')).toBe('prog');
    expect(values.get('argv[2]')).toBe('two words');
    expect(values.get('argv[3]')).toBe('');
    expect(values.get('envc')).toBe('2');
    expect(values.get('env[0]')).toBe('A=1');
    expect(values.get('env[1]')).toBe('B=x=y');
  });

  it('gives an empty environment by default', () => {
    expect(area('args', { args: ['prog', 'args'] }).values.get('envc')).toBe('0');
  });
});

describe('clocks and poll_oneoff', () => {
  it('reads realtime with nanosecond precision near the host clock, and rejects unknown clocks', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const { values } = area('clocks');
    const after = BigInt(Date.now()) * 1_000_000n;
    const realtime = BigInt(values.get('realtime_ns')!);
    expect(realtime >= before - 5_000_000n && realtime <= after + 5_000_000n).toBe(true);
    expect(values.get('realtime_sub_microsecond')).toBe('1');
    for (const k of ['realtime', 'monotonic', 'process_cputime', 'thread_cputime', 'res_realtime', 'res_monotonic']) {
      expect(values.get(k), k).toBe('0');
    }
    expect(values.get('bad_clock')).toBe('28');
    expect(values.get('res_bad')).toBe('28');
    expect(values.get('res_realtime_positive')).toBe('1');
  });

  it('sleeps on a clock subscription and reports the event', () => {
    const { values } = area('clocks');
    expect(values.get('poll')).toBe('0');
    expect(values.get('poll_events')).toBe('1');
    expect(values.get('poll_userdata')).toBe('42');
    expect(values.get('poll_type')).toBe('0');
    expect(values.get('poll_slept_20ms')).toBe('1');
    expect(values.get('poll_abstime_past')).toBe('0');
    expect(values.get('poll_abstime_events')).toBe('1');
    expect(values.get('poll_zero_subs')).toBe('28');
    expect(values.get('nanosleep')).toBe('0');
  });
});

describe('random_get', () => {
  it('fills large and empty buffers with random bytes', () => {
    const { values } = area('random');
    expect(values.get('random')).toBe('0');
    expect(values.get('random_empty')).toBe('0');
    expect(values.get('random_zero_share_ok')).toBe('1');
    expect(values.get('random_draws_differ')).toBe('1');
  });
});

describe('stdio', () => {
  it('reads stdin from a string, captures stdout and stderr separately', () => {
    const { stdout, stderr, values } = area('stdio', { stdin: 'hello wasi\n' });
    expect(stdout.startsWith('HELLO WASI\n')).toBe(true);
    expect(stderr).toBe('to stderr\n');
    // stdio are streams: no seek right.
    expect(values.get('fdstat_can_seek')).toBe('0');
    // A captured stream is not a terminal (isatty() false in the guest).
    expect(values.get('stdout_filetype')).toBe('0');
    expect(values.get('seek_stdout')).toBe('76');
    expect(values.get('write_bad_fd')).toBe('8');
    expect(values.get('prestat_stdout')).toBe('8');
  });

  it('hands each write to a callback', () => {
    const chunks: string[] = [];
    const module = new Module(checks);
    const wasi = new Wasi({
      args: ['checks', 'stdio'],
      stdin: new TextEncoder().encode('abc'),
      stdout: (chunk) => chunks.push(new TextDecoder().decode(chunk)),
      stderr: 'ignore',
    });
    expect(wasi.start(new Instance(module, wasi.getImports(module)))).toBe(0);
    expect(chunks.join('').startsWith('ABC')).toBe(true);
  });

  it('reads a host pipe given as { fd } (through its non-blocking reopen)', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // O_RDWR: opening does not wait for a writer, and the pipe never reaches EOF.
    const fd = openSync(fifo, constants.O_RDWR);
    try {
      writeFileSync(fd, 'a'.repeat(300));
      const { stdout } = runWasi(checks, { args: ['checks', 'stdio'], stdin: { fd } });
      // The guest stops after 255 bytes; the pipe still holds the rest.
      expect(stdout.startsWith(`${'A'.repeat(255)}fdstat=`)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('polls a pipe stdin: the clock fires while it is empty, the read event once data is there', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, constants.O_RDWR);
    try {
      const empty = area('poll_stdin', { stdin: { fd } }).values;
      expect(empty.get('poll')).toBe('0');
      expect(empty.get('poll_events')).toBe('1');
      expect(empty.get('poll_first')).toBe('2');
      writeFileSync(fd, 'hi');
      const full = area('poll_stdin', { stdin: { fd } }).values;
      expect(full.get('poll_first')).toBe('1');
      expect(full.get('poll_nbytes')).toBe('2');
      // The bytes poll read ahead are the ones read() returns.
      expect(full.get('read_value')).toBe('hi');
    } finally {
      closeSync(fd);
    }
  });

  it('writes to a host fd unbuffered', () => {
    const out = join(dir, 'out.txt');
    writeFileSync(out, '');
    const fd = openSync(out, 'w');
    try {
      runWasi(checks, { args: ['checks', 'stdio'], stdin: 'x', stdout: { fd } });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(out, 'utf8').startsWith('X')).toBe(true);
  });
});

describe('files and directories', () => {
  const run = () => area('files', { preopens: { '/sandbox': dir } });

  it('names the preopen and refuses a too-short name buffer', () => {
    const { values } = run();
    expect(values.get('prestat')).toBe('0');
    expect(values.get('prestat_name_value')).toBe('/sandbox');
    expect(values.get('prestat_name_short')).toBe('37');
  });

  it('creates, writes, reads, seeks, preads and pwrites a file', () => {
    const { values } = run();
    expect(values.get('create')).toBe('0');
    expect(values.get('create_excl_again')).toBe('20');
    expect(values.get('open_missing')).toBe('44');
    expect(values.get('written')).toBe('11');
    expect(values.get('read_value')).toBe('hello');
    expect(values.get('tell_value')).toBe('5');
    expect(values.get('seek_cur_value')).toBe('4');
    expect(values.get('seek_end_value')).toBe('6');
    expect(values.get('seek_negative')).toBe('28');
    expect(values.get('seek_bad_whence')).toBe('28');
    expect(values.get('pread_value')).toBe('wo');
    // pread/pwrite leave the position alone.
    expect(values.get('tell_after_pread_pwrite')).toBe('6');
    expect(values.get('readv_value')).toBe('XYl|lo worl');
  });

  it('appends with FDFLAGS_APPEND and refuses flags it cannot change', () => {
    const { values } = run();
    expect(values.get('flags_after_append')).toBe('1');
    expect(values.get('size_after_append')).toBe('12');
    expect(values.get('filetype')).toBe('4');
    expect(values.get('set_sync_flag')).toBe('58');
    expect(values.get('nonblock_flags')).toBe('4');
  });

  it('sets sizes and nanosecond times exactly', () => {
    const { values } = run();
    expect(values.get('size_after_allocate')).toBe('10');
    expect(values.get('mtim')).toBe('1000000123');
    expect(values.get('atim_unchanged')).toBe('1');
    expect(values.get('set_times_conflict')).toBe('28');
    expect(values.get('path_atim')).toBe('2000000456');
    expect(values.get('path_size')).toBe('3');
  });

  it('tracks rights: dropped rights cannot be regained, access modes are enforced', () => {
    const { values } = run();
    expect(values.get('drop_read')).toBe('0');
    expect(values.get('read_without_right')).toBe('76');
    expect(values.get('regain_read')).toBe('76');
    expect(values.get('write_ro')).toBe('76');
    expect(values.get('read_wo')).toBe('76');
  });

  it('renumbers and closes fds', () => {
    const { values } = run();
    expect(values.get('renumber')).toBe('0');
    expect(values.get('renumber_source_closed')).toBe('8');
    expect(values.get('renumber_to_closed')).toBe('8');
    expect(values.get('close')).toBe('0');
    expect(values.get('close_again')).toBe('8');
    expect(values.get('close_preopen')).toBe('0');
    expect(values.get('after_close_preopen')).toBe('8');
  });

  it('makes, renames and removes directories with the POSIX errnos and trailing-slash rules', () => {
    const { values } = run();
    expect(values.get('mkdir')).toBe('0');
    expect(values.get('mkdir_again')).toBe('20');
    expect(values.get('mkdir_trailing_slash')).toBe('0');
    expect(values.get('rmdir_trailing_slash')).toBe('0');
    expect(values.get('rename_into_dir')).toBe('0');
    expect(values.get('open_renamed_away')).toBe('44');
    expect(values.get('open_file_trailing_slash')).toBe('54');
    expect(values.get('unlink_dir')).toBe('31');
    expect(values.get('rmdir_nonempty')).toBe('55');
    expect(values.get('unlink_file_trailing_slash')).toBe('54');
    expect(values.get('rmdir_file')).toBe('54');
    expect(values.get('readdir_file')).toBe('54');
    expect(values.get('read_dir_fd')).toBe('31');
    expect(values.get('seek_dir')).toBe('31');
    expect(values.get('path_open_on_file')).toBe('54');
    expect(values.get('open_dir_for_write')).toBe('31');
    expect(values.get('open_file_as_dir')).toBe('54');
    expect(values.get('empty_path')).toBe('44');
    expect(values.get('rename_dir_into_itself')).toBe('28');
    expect(values.get('rename_file_trailing_slash')).toBe('54');
    expect(readdirSync(dir).sort()).toEqual(['cache_a', 'cache_old', 'd', 'loop_a', 'loop_b', 'n']);
  });

  it('links, symlinks and reads links (with truncation)', () => {
    const { values } = run();
    expect(values.get('link')).toBe('0');
    expect(values.get('nlink')).toBe('2');
    expect(values.get('link_dir')).toBe('63');
    expect(values.get('symlink_exists')).toBe('20');
    expect(values.get('readlink_value')).toBe('g.txt');
    expect(values.get('readlink_truncated_value')).toBe('abc');
    expect(values.get('readlink_file')).toBe('28');
    expect(values.get('stat_nofollow_type')).toBe('7');
    expect(values.get('stat_follow_type')).toBe('4');
    expect(values.get('open_symlink_nofollow')).toBe('32');
    expect(values.get('open_symlink_follow')).toBe('0');
    expect(values.get('open_loop')).toBe('32');
    expect(values.get('unlink_symlink')).toBe('0');
  });

  it('lists directories with . and .., stable cookies, and partial records in small buffers', () => {
    const { values } = run();
    expect(values.get('readdir_count')).toBe('5');
    const names = values.get('readdir_names')!.trim().split(' ');
    expect(names.slice(0, 2)).toEqual(['./', '../']);
    expect(names.slice(2).sort()).toEqual(['g.txt', 'hard.txt', 'long']);
    expect(values.get('readdir_after_second')).toBe('3');
    // A buffer smaller than one record comes back full: the guest knows to grow it.
    expect(values.get('readdir_small_used')).toBe('10');
  });

  it('walks with cached directory handles that follow renames and deep paths correctly', () => {
    const { values } = run();
    expect(values.get('cache_create')).toBe('0');
    expect(values.get('cache_rename')).toBe('0');
    expect(values.get('cache_new_dir')).toBe('0');
    expect(values.get('cache_open_replaced')).toBe('44');
    expect(values.get('cache_open_moved')).toBe('0');
    expect(values.get('deep_mkdirs')).toBe('80');
    expect(values.get('deep_create')).toBe('0');
    expect(values.get('deep_back_up')).toBe('0');
  });

  it('syncs and accepts advice', () => {
    const { values } = run();
    expect(values.get('fd_sync')).toBe('0');
    expect(values.get('fd_datasync')).toBe('0');
    expect(values.get('fd_advise')).toBe('0');
    expect(values.get('fd_advise_bad')).toBe('28');
  });
});

describe('sockets, signals, exit', () => {
  it('answers sock_* on non-sockets with NOTSOCK and on closed fds with BADF', () => {
    const { values } = area('sockets');
    expect(values.get('shutdown_stdout')).toBe('57');
    expect(values.get('shutdown_bad_fd')).toBe('8');
    expect(values.get('accept_stdout')).toBe('57');
    expect(values.get('recv_stdin')).toBe('57');
    expect(values.get('send_stdout')).toBe('57');
    expect(values.get('raise')).toBe('52');
    expect(values.get('sched_yield')).toBe('0');
  });

  it('returns the proc_exit code from start(), and flushes output written before it', () => {
    const { exitCode, stdout } = area('exit', { args: ['checks', 'exit', '42'] });
    expect(exitCode).toBe(42);
    expect(stdout).toBe('');
    expect(area('exit', { args: ['checks', 'exit', '0'] }).exitCode).toBe(0);
  });

  it('throws WasiExit from start() when returnOnExit is false', () => {
    expect(() => area('exit', { args: ['checks', 'exit', '3'], returnOnExit: false })).toThrow(WasiExit);
  });

  it('turns a trap into Trap', () => {
    expect(() => area('trap')).toThrow(Trap);
  });
});

describe('options', () => {
  it('rejects a preopen that is not a directory, naming the path', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(() => new Wasi({ preopens: { '/': file } })).toThrow(expect.objectContaining({ code: 'ERR_WASI_PREOPEN' }));
    expect(() => new Wasi({ preopens: { '/': file } })).toThrow(file);
    expect(() => new Wasi({ preopens: { '/': join(dir, 'missing') } })).toThrow(WasiError);
  });

  it('rejects bad env keys, args and stdio values with ERR_INVALID_OPTION, naming the field', () => {
    const cases: [WasiOptions, string][] = [
      [{ env: { 'A=B': 'x' } }, 'Wasi: options.env key must be a variable name (not empty, no "=" or NUL), got "A=B"'],
      [
        { env: { A: 1 as unknown as string } },
        'Wasi: options.env["A"] must be a string without NUL bytes, got 1 (number)',
      ],
      [{ env: 5 as never }, 'Wasi: options.env must be an object of strings, got 5 (number)'],
      [{ args: ['a\0b'] }, 'Wasi: options.args[0] must be a string without NUL bytes'],
      [{ stdout: 'file' as never }, "Wasi: options.stdout must be 'inherit', 'pipe', 'ignore'"],
      [{ stdin: 5 as never }, "Wasi: options.stdin must be 'inherit', 'ignore', a string"],
      [{ stdinWaitNotice: 1 as never }, 'Wasi: options.stdinWaitNotice must be a string, got 1 (number)'],
    ];
    for (const [options, message] of cases) {
      expect(() => new Wasi(options)).toThrow(ArgumentError);
      expect(() => new Wasi(options)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining(message) }),
      );
    }
  });

  it('needs getImports before start', () => {
    const wasi = new Wasi();
    const module = new Module(checks);
    expect(() => wasi.start(new Instance(module, new Wasi().getImports(module)))).toThrow(
      expect.objectContaining({ code: 'ERR_WASI_NOT_READY' }),
    );
  });
});

describe('bad guest input', () => {
  const SOURCE = `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open"
      (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "\\ff\\fe.txt")
    (func (export "fd_write_oob") (result i32) (call $fd_write (i32.const 1) (i32.const 0xfffffff0) (i32.const 1) (i32.const 0)))
    (func (export "iovec_oob") (result i32)
      (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100))
      (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (func (export "sizes_oob") (result i32) (call $args_sizes (i32.const 65535) (i32.const 0)))
    (func (export "random_oob") (result i32) (call $random (i32.const 65000) (i32.const 1000)))
    (func (export "path_oob") (result i32)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100) (i32.const 0)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
    (func (export "path_bad_utf8") (result i32)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 6) (i32.const 0)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
    (func (export "bad_fd") (result i32)
      (call $path_open (i32.const 99) (i32.const 0) (i32.const 16) (i32.const 6) (i32.const 0)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0))))`;

  it('answers out-of-bounds pointers with EFAULT, bad UTF-8 with EILSEQ, never a host exception', async () => {
    const module = new Module(await wat(SOURCE));
    const wasi = new Wasi({ preopens: { '/': dir }, stdout: 'pipe' });
    const instance = new Instance(module, wasi.getImports(module));
    wasi.initialize(instance);
    const call = (name: string) => (instance.exports[name] as () => number)();
    expect(call('fd_write_oob')).toBe(21);
    expect(call('iovec_oob')).toBe(21);
    expect(call('sizes_oob')).toBe(21);
    expect(call('random_oob')).toBe(21);
    expect(call('path_oob')).toBe(21);
    expect(call('path_bad_utf8')).toBe(25);
    expect(call('bad_fd')).toBe(8);
    expect(wasi.stdout.length).toBe(0);
  });
});
