// Names exactly as V8 reads them, and as a guest wrote them: a leading byte-order
// mark is part of a name (TextDecoder drops it unless told not to), import and
// export names are as long as V8 accepts (no 100,000-byte limit of ours), and a
// name's bidirectional controls are escaped wherever a terminal shows it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { printable, shownName } from '../../src/commands/format.js';
import { encodeU32 } from '../../src/runtime/encoder/leb128.js';
import { encodeName, encodeSection, encodeVec } from '../../src/runtime/encoder/module.js';
import { Instance, Module } from '../../src/runtime/index.js';
import { quoted } from '../../src/runtime/kinds.js';
import { parseModule } from '../../src/runtime/parser/index.js';
import { Wasi } from '../../src/runtime/wasi/index.js';
import { wat } from '../helpers/wat.js';

/** A module importing `env`.`importName` (a function) and exporting one function as each of `exportNames`. */
function moduleWithNames(exportNames: readonly string[], importName = 'f'): Uint8Array {
  const type = encodeSection(1, encodeVec([[0x60, 0, 0]]));
  const imports = encodeSection(2, encodeVec([[...encodeName('env'), ...encodeName(importName), 0x00, 0]]));
  const funcs = encodeSection(3, encodeVec([[0]]));
  const exports = encodeSection(7, encodeVec(exportNames.map((n) => [...encodeName(n), 0x00, ...encodeU32(1)])));
  const code = encodeSection(10, encodeVec([[2, 0, 0x0b]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imports, ...funcs, ...exports, ...code]);
}

const names = (list: readonly { name: string }[]) => list.map((d) => d.name);

describe('names as V8 reads them', () => {
  it('keep a leading byte-order mark', () => {
    const bytes = moduleWithNames(['\u{FEFF}', '\u{FEFF}run', 'run'], '\u{FEFF}log');
    const raw = new WebAssembly.Module(bytes);
    const module = new Module(bytes);
    expect(names(module.exports)).toEqual(names(WebAssembly.Module.exports(raw)));
    expect(names(module.exports)).toEqual(['\u{FEFF}', '\u{FEFF}run', 'run']);
    expect(names(parseModule(bytes).imports)).toEqual(['\u{FEFF}log']);
    const instance = new Instance(module, { env: { '\u{FEFF}log': () => {} } });
    expect(typeof instance.exports['\u{FEFF}']).toBe('function');
  });

  it('may be longer than 100,000 bytes, as V8 allows (1,000,000 here)', () => {
    const long = 'e'.repeat(1_000_000);
    const bytes = moduleWithNames([long], 'i'.repeat(1_000_000));
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new Module(bytes);
    expect(names(module.exports)).toEqual(names(WebAssembly.Module.exports(module.raw)));
    expect(module.exports[0]?.name.length).toBe(1_000_000);
    expect(names(parseModule(bytes).imports)[0]?.length).toBe(1_000_000);
  });
});

describe('names shown in a terminal', () => {
  const trojan = 'admin\u202E\u2066txt.exe\u2069\u202C';

  it('escape the bidirectional controls, not only C0 and C1', () => {
    expect(printable(trojan)).toBe('admin\\u202e\\u2066txt.exe\\u2069\\u202c');
    expect(printable('a\u200Fb\u061Cc\u200Ed')).toBe('a\\u200fb\\u061cc\\u200ed');
    expect(printable('tab\there\x1b[31m')).toBe('tab\\x09here\\x1b[31m');
    // Letters of right-to-left scripts are text, not controls: they stay.
    expect(printable('שלום')).toBe('שלום');
  });

  it('are quoted and escaped alike in messages', () => {
    expect(quoted(trojan)).toBe('"admin\\u202e\\u2066txt.exe\\u2069\\u202c"');
    expect(shownName(trojan)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });
});

/** A guest that opens a path in its preopen (fd 3) and returns the errno, or 0 and the fd at address 0. */
const OPENER = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "open") (param $ptr i32) (param $len i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get $ptr) (local.get $len) (i32.const 0)
      (i64.const 0x2) (i64.const 0) (i32.const 0) (i32.const 0)))
  (func (export "read") (param $fd i32) (result i32)
    ;; one iovec at 16: 64 bytes at 32; the count read at 8
    (i32.store (i32.const 16) (i32.const 32))
    (i32.store (i32.const 20) (i32.const 64))
    (drop (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 8)))
    (i32.load (i32.const 8))))`;

describe('WASI paths as the guest wrote them', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasmer-ts-names-'));
    writeFileSync(join(dir, 'inside.txt'), 'plain');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function opener() {
    const module = new Module(await wat(OPENER));
    const wasi = new Wasi({ preopens: { '/': dir } });
    const instance = new Instance(module, wasi.getImports(module));
    wasi.initialize(instance);
    const exports = instance.exports as Record<string, (...a: number[]) => number>;
    const memory = () => new Uint8Array((instance.raw.exports.memory as WebAssembly.Memory).buffer);
    const open = (path: string) => {
      const bytes = new TextEncoder().encode(path);
      memory().set(bytes, 1024);
      const errno = exports.open!(1024, bytes.length);
      return { errno, fd: new DataView(memory().buffer).getInt32(0, true) };
    };
    const read = (fd: number) => new TextDecoder().decode(memory().subarray(32, 32 + exports.read!(fd)));
    return { open, read };
  }

  it('do not lose a leading byte-order mark: "\\u{FEFF}inside.txt" is not inside.txt', async () => {
    const { open } = await opener();
    expect(open('\u{FEFF}inside.txt').errno).toBe(44); // ENOENT
    expect(open('inside.txt').errno).toBe(0);
  });

  it('open the file whose name starts with the mark', async () => {
    writeFileSync(join(dir, '\u{FEFF}inside.txt'), 'marked');
    const { open, read } = await opener();
    const marked = open('\u{FEFF}inside.txt');
    expect(marked.errno).toBe(0);
    expect(read(marked.fd)).toBe('marked');
    expect(readFileSync(join(dir, 'inside.txt'), 'utf8')).toBe('plain');
  });
});
