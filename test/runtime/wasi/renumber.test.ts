// fd_renumber as programs use it in place of dup2, through fixtures/wasi/renumber.c:
// onto a closed fd 1 (what Yosys's ABC does), stdout parked on another fd and moved back,
// onto a closed number that is not stdio (EBADF, as the wasi-testsuite requires), onto
// itself, from a closed fd, onto an open file, and preopens moved or replaced.
// 8 is EBADF.
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyValues, runWasi, wasiFixture } from './helpers.js';

const renumber = wasiFixture('renumber');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-renumber-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sandboxFile = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('fd_renumber', () => {
  it('parks stdout on another fd, puts a file on the closed fd 1, and moves stdout back', () => {
    const { exitCode, stdout } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir } });
    expect(exitCode).toBe(0);
    const values = keyValues(stdout);
    expect(stdout.startsWith('stdout=before\n')).toBe(true);
    expect(values.get('park')).toBe('0');
    expect(values.get('write_closed')).toBe('8');
    expect(values.get('onto_closed_stdout')).toBe('0');
    expect(values.get('back')).toBe('0');
    // Neither the log's old number nor the one stdout was parked on is open afterwards.
    expect(values.get('log_fd_closed')).toBe('8');
    expect(values.get('saved_fd_closed')).toBe('8');
    expect(stdout).toContain('stdout=after\n');
    // What was printed while the log was fd 1 went to the log, and only that.
    expect(sandboxFile('log.txt')).toBe('log=into the log\n');
    expect(stdout).not.toContain('into the log');
    expect(stdout).not.toContain('lost');
  });

  it('delivers output printed after fd 1 was closed and a file renumbered onto it', () => {
    const { exitCode, stdout } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir } });
    expect(exitCode).toBe(0);
    expect(keyValues(stdout).get('preopen_restored')).toBe('0');
    expect(stdout).not.toContain('close_stdout');
    const final = keyValues(sandboxFile('final.txt'));
    expect(final.get('close_stdout')).toBe('0');
    expect(final.get('final')).toBe('after closing stdout');
  });

  it('refuses a closed target that is not stdio, and leaves stdout where it was', () => {
    const { stdout } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir } });
    const values = keyValues(stdout);
    expect(values.get('onto_closed_number')).toBe('8');
    expect(values.get('write_after_refusal')).toBe('0');
    expect(stdout).toContain('stdout=still here\n');
  });

  it('is a no-op onto itself, EBADF from a closed fd or onto an impossible number, and replaces an open target', () => {
    const { stdout } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir } });
    const values = keyValues(stdout);
    expect(values.get('self')).toBe('0');
    expect(values.get('self_closed')).toBe('8');
    expect(values.get('from_closed')).toBe('8');
    expect(values.get('target_still_open')).toBe('0');
    expect(values.get('to_negative')).toBe('8');
    expect(values.get('to_huge')).toBe('8');
    expect(values.get('after_bad_target')).toBe('0');
    expect(sandboxFile('other.txt')).toBe('still here\n');
    expect(values.get('onto_open')).toBe('0');
    expect(values.get('source_closed')).toBe('8');
    expect(values.get('write_moved')).toBe('0');
    expect(values.get('close_moved')).toBe('0');
    expect(sandboxFile('first.txt')).toBe('moved\n');
  });

  it('moves a preopen onto an open fd with its name, and closes one that a file is renumbered onto', () => {
    const { stdout } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir } });
    const values = keyValues(stdout);
    expect(values.get('preopen_moved')).toBe('0');
    expect(values.get('preopen_old_number')).toBe('8');
    expect(values.get('preopen_new_number')).toBe('0');
    expect(values.get('preopen_name')).toBe('/sandbox');
    expect(values.get('open_from_new_number')).toBe('0');
    expect(values.get('reopened_fd')).toBe('3');
    expect(values.get('log_bytes')).toBe(String('log=into the log\n'.length));
    expect(values.get('preopen_back')).toBe('0');
    const final = keyValues(sandboxFile('final.txt'));
    expect(final.get('onto_preopen')).toBe('0');
    expect(final.get('preopen_replaced')).toBe('8');
    expect(final.get('write_replaced')).toBe('0');
    expect(sandboxFile('last.txt')).toBe('on fd 3\n');
  });

  it('leaves a host stdout fd open when the guest closes its fd 1 and renumbers a file onto it', () => {
    const out = join(dir, 'stdout.txt');
    const fd = openSync(out, 'w');
    try {
      const { exitCode } = runWasi(renumber, { args: ['renumber'], preopens: { '/sandbox': dir }, stdout: { fd } });
      expect(exitCode).toBe(0);
      expect(keyValues(sandboxFile('final.txt')).get('final')).toBe('after closing stdout');
      // Only the guest's own file at fd 1 was closed, never the host fd behind its stdout.
      expect(fstatSync(fd).ino).toBe(statSync(out).ino);
      writeSync(fd, 'host\n');
    } finally {
      closeSync(fd);
    }
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('stdout=before\n')).toBe(true);
    expect(text.endsWith('preopen_restored=0\nhost\n')).toBe(true);
  });
});
