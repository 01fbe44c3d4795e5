/**
 * The parse cache: for `run` and `call` of a component, the parse and validation of
 * each component it ran before, beside the machine code of its core modules. Parsing
 * jco's adapted C hello world (67 KiB) took 8-9 ms of its 99 ms start on Node 26, every
 * parser function running once, interpreted; reading the entry back takes about 1 ms,
 * and the component started 10 ms sooner in all (bench/suites/wasi2.js). wasmtime keeps
 * a compiled component's type information in its cache for the same reason.
 *
 * An entry is `<component blake3>-<stamp>.wcomp`: a first line `wasmer-ts parse 3 <blake3
 * of the rest> <base>`, then V8's serialization of the parse (../../component/parser/ast-codec.ts;
 * `base` is where the component sat in the buffer its views were written against). The
 * stamp is a hash of the build's runtime code, made when the CLI is bundled
 * (scripts/bundle-cli.js), and of the V8 version, whose serializer wrote the entry: a
 * rebuilt parser, or another Node, never reads an older one's entry. Without a stamp (the
 * library run from dist/, not bundled), there is no parse cache. The entry is read only if it is a regular
 * file of a sane size (a FIFO, a symlink, an oversized or unreadable file is skipped with
 * a notice); one that does not check out is deleted with a notice, and the component is
 * parsed as if there were none. Entries count toward the cache's size limit and are
 * evicted with the machine code, least recently used first.
 */
import { closeSync, futimesSync, mkdirSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ComponentAst } from '../../component/parser/ast.js';
import { decodeAst, encodeAst, type StructuredSerializer } from '../../component/parser/ast-codec.js';
import { writeFileAtomic } from '../atomic-write.js';
import { blake3Hex } from '../hash.js';
import { openCacheFile, readAt } from './files.js';
import { DEFAULT_CACHE_MAX_BYTES, ModuleCache, PARSE_EXTENSION } from './index.js';

declare const __WASMER_TS_COMPONENT_STAMP__: string | undefined;

/** The build's stamp (16 hex digits), or null when this code was not bundled with one. */
export function parseCacheStamp(): string | null {
  return typeof __WASMER_TS_COMPONENT_STAMP__ === 'string' && /^[0-9a-f]{16}$/.test(__WASMER_TS_COMPONENT_STAMP__)
    ? __WASMER_TS_COMPONENT_STAMP__
    : null;
}

const MAGIC = 'wasmer-ts parse 3 ';
/** The first line: MAGIC, 64 hex digits, a space, the base in decimal (up to 6 digits), a newline. */
const MAX_HEADER_BYTES = MAGIC.length + 64 + 1 + 6 + 1;
/** No parse of a component is near this: the entry is about half the component's size. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

export interface ParseCacheOptions {
  /**
   * The stamp entries are written and read under: the build's, `parseCacheStamp()`, or a
   * test's. The file names hold a hash of it and of the V8 version.
   */
  readonly stamp: string;
  /** V8's serializer: the native addon's (engine/native.ts). */
  readonly v8: StructuredSerializer;
  readonly maxBytes?: number;
  readonly onNotice?: (message: string) => void;
}

/** `compileComponent`'s `ParseStore` over a cache directory. */
export class ParseCache {
  readonly dir: string;
  private readonly stamp: string;
  private readonly v8: StructuredSerializer;
  private readonly maxBytes: number;
  private readonly onNotice: (message: string) => void;
  /** The hash of the bytes `load` was last given: `save` of the same bytes after a miss needs no second. */
  private last: { bytes: Uint8Array; hash: string } | null = null;

  constructor(dir: string, options: ParseCacheOptions) {
    this.dir = dir;
    // V8 reads the data of older V8s but not of newer ones: each Node keeps its own entries.
    this.stamp = blake3Hex(Buffer.from(`${options.stamp} ${process.versions.v8}`, 'latin1')).slice(0, 16);
    this.v8 = options.v8;
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.onNotice = options.onNotice ?? (() => {});
  }

  /** The entry's file for a component of this BLAKE3 hash. */
  fileFor(hash: string): string {
    return join(this.dir, `${hash}-${this.stamp}${PARSE_EXTENSION}`);
  }

  /** The AST of `bytes` from its entry, or null (a miss, or an entry skipped or discarded). Never throws. */
  load(bytes: Uint8Array): ComponentAst | null {
    const file = this.fileFor(this.hashOf(bytes));
    const opened = openCacheFile(file, Math.min(this.maxBytes, MAX_ENTRY_BYTES));
    if (opened.kind === 'missing') return null;
    if (opened.kind === 'skip') {
      this.onNotice(`cache: skipped ${basename(file)} (${opened.why}); parsed the component instead`);
      return null;
    }
    const { fd, info } = opened;
    let ast: ComponentAst;
    try {
      const read = readAt(fd, 0, info.size);
      const entry = Buffer.from(read.buffer, read.byteOffset, read.byteLength); // a view, not a copy
      if (entry.length !== info.size) throw new Error('the file got shorter while it was read');
      const { body, base } = checkedBody(entry);
      ast = decodeAst(body, base, bytes, this.v8);
      // Last use, for eviction: through the descriptor that was read.
      const now = new Date();
      futimesSync(fd, now, now);
    } catch (error) {
      this.discard(file, error instanceof Error ? error.message : String(error));
      return null;
    } finally {
      try {
        closeSync(fd);
      } catch {
        // Read already.
      }
    }
    return ast;
  }

  /** Writes the entry for `bytes`, then evicts beyond the size limit. A failure is a notice. */
  save(bytes: Uint8Array, ast: ComponentAst): void {
    try {
      const encoded = encodeAst(ast, bytes, this.v8);
      if (encoded === null) return;
      const body = encoded.data;
      const entry = Buffer.concat([Buffer.from(`${MAGIC}${blake3Hex(body)} ${encoded.base}\n`, 'latin1'), body]);
      const file = this.fileFor(this.hashOf(bytes));
      if (entry.length > Math.min(this.maxBytes, MAX_ENTRY_BYTES)) return;
      mkdirSync(this.dir, { recursive: true });
      // At most MAX_ENTRY_BYTES: SYNC_WRITE_MAX_BYTES (4 MiB) covers every real component's,
      // and the promise of a larger write is waited for at exit like any other.
      void writeFileAtomic(file, entry)
        .then(() => new ModuleCache(this.dir).evict(this.maxBytes, file))
        .catch((error: unknown) => this.couldNotSave(error));
    } catch (error) {
      this.couldNotSave(error);
    }
  }

  private hashOf(bytes: Uint8Array): string {
    if (this.last?.bytes !== bytes) this.last = { bytes, hash: blake3Hex(bytes) };
    return this.last.hash;
  }

  private discard(file: string, why: string): void {
    this.onNotice(`cache: discarded ${basename(file)} (${why.split('\n')[0]})`);
    try {
      unlinkSync(file);
    } catch {
      // Another process removed it.
    }
  }

  private couldNotSave(error: unknown): void {
    this.onNotice(`cache: could not save to ${this.dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The data after the first line, once the line's hash of it holds, and the line's base. */
function checkedBody(entry: Buffer): { body: Uint8Array; base: number } {
  const head = entry.toString('latin1', 0, Math.min(entry.length, MAX_HEADER_BYTES));
  const end = head.indexOf('\n');
  const hashEnd = MAGIC.length + 64;
  const baseText = head.slice(hashEnd + 1, end);
  const base = Number(baseText);
  if (!head.startsWith(MAGIC) || head[hashEnd] !== ' ' || end < 0 || String(base) !== baseText) {
    throw new Error('not a parse cache entry of this version');
  }
  const body = entry.subarray(end + 1);
  if (blake3Hex(body) !== head.slice(MAGIC.length, hashEnd)) throw new Error('its contents do not match their hash');
  return { body, base };
}
