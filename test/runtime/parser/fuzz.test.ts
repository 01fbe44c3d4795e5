/**
 * Property tests: whatever the bytes, the parser returns a result or throws
 * WasmParseError with an offset inside the input, never anything else, and
 * in bounded time (fast-check runs thousands of cases in a few seconds).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WasmParseError } from '../../../src/runtime/errors.js';
import { scanCodeFeatures } from '../../../src/runtime/parser/features.js';
import { parseModule } from '../../../src/runtime/parser/index.js';
import { pointsModule, shapesModule } from '../../helpers/gc-modules.js';
import { HEADER } from './binary.js';
import { buildFixtures } from './fixtures.js';

const SORT = new Uint8Array(readFileSync(new URL('./data/sort.wasm', import.meta.url)));
const fixtures = await buildFixtures();
// The WebAssembly 3.0 modules too (GC types, table64, tags, the extended name section): on a V8 with GC,
// mutations of them check that we reject nothing V8 accepts.
const CORPUS: Uint8Array[] = [SORT, ...Object.values(fixtures), shapesModule(), pointsModule()];

/**
 * Runs the parser (and the code scanner when parsing succeeds); fails the property on anything but
 * WasmParseError, and on a rejection of bytes V8 accepts.
 */
function check(bytes: Uint8Array): 'parsed' | 'rejected' {
  try {
    const info = parseModule(bytes);
    try {
      scanCodeFeatures(bytes, info);
    } catch (error) {
      if (!(error instanceof WasmParseError)) throw error;
      expect(error.offset).toBeLessThanOrEqual(bytes.length);
    }
    return 'parsed';
  } catch (error) {
    if (!(error instanceof WasmParseError)) throw error;
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(bytes.length);
    expect(error.code).toMatch(/^ERR_/);
    // What we call malformed, V8 must not accept.
    if (WebAssembly.validate(bytes)) throw new Error(`V8 accepts what parseModule rejects: ${error.message}`);
    return 'rejected';
  }
}

/** A mutation of one corpus module: flip bytes, overwrite runs, insert, delete, truncate. */
const mutated = fc
  .record({
    base: fc.nat({ max: CORPUS.length - 1 }),
    edits: fc.array(
      fc.record({
        kind: fc.constantFrom('set', 'flip', 'insert', 'delete', 'truncate'),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        byte: fc.integer({ min: 0, max: 255 }),
        length: fc.integer({ min: 1, max: 8 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ base, edits }) => {
    let bytes = CORPUS[base]!.slice();
    for (const e of edits) {
      // Bias edits towards the headers, where the parser does the most work.
      const at = Math.min(bytes.length, Math.floor(e.at * e.at * bytes.length));
      switch (e.kind) {
        case 'set':
          if (at < bytes.length) bytes[at] = e.byte;
          break;
        case 'flip':
          if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << (e.byte & 7));
          break;
        case 'insert': {
          const out = new Uint8Array(bytes.length + e.length).fill(e.byte);
          out.set(bytes.subarray(0, at), 0);
          out.set(bytes.subarray(at), at + e.length);
          bytes = out;
          break;
        }
        case 'delete': {
          const out = new Uint8Array(Math.max(at, bytes.length - e.length));
          out.set(bytes.subarray(0, at), 0);
          out.set(bytes.subarray(at + e.length), at);
          bytes = out;
          break;
        }
        case 'truncate':
          bytes = bytes.slice(0, at);
          break;
      }
    }
    return bytes;
  });

describe('parser robustness (fast-check)', () => {
  it('every corpus module parses and scans', () => {
    for (const bytes of CORPUS) expect(check(bytes)).toBe('parsed');
  });

  it('random bytes: a result or WasmParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        check(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a valid header: a result or WasmParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        check(new Uint8Array([...HEADER, ...tail]));
      }),
      { numRuns: 3000 },
    );
  });

  it('random sections (id, size, content) after a valid header', () => {
    const sectionArb = fc
      .record({ id: fc.integer({ min: 0, max: 14 }), content: fc.uint8Array({ maxLength: 24 }) })
      .map(({ id, content }) => [id, content.length, ...content]);
    fc.assert(
      fc.property(fc.array(sectionArb, { maxLength: 6 }), (sections) => {
        check(new Uint8Array([...HEADER, ...sections.flat()]));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated and truncated real modules: a result or WasmParseError', () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutated, (bytes) => {
        if (check(bytes) === 'rejected') rejected++;
      }),
      { numRuns: 3000 },
    );
    // The mutations must actually exercise the error paths.
    expect(rejected).toBeGreaterThan(300);
  });

  it('never rejects a mutated module that V8 accepts (V8 as the oracle)', () => {
    let v8Accepted = 0;
    fc.assert(
      fc.property(mutated, (bytes) => {
        if (!WebAssembly.validate(bytes)) return;
        v8Accepted++;
        const info = parseModule(bytes);
        expect(info.byteLength).toBe(bytes.length);
        expect(() => scanCodeFeatures(bytes, info)).not.toThrow();
      }),
      { numRuns: 4000 },
    );
    expect(v8Accepted).toBeGreaterThan(5); // about 1% of mutations stay valid
  });

  it('parses a module the same inside a larger buffer (views with a byteOffset)', () => {
    fc.assert(
      fc.property(fc.nat({ max: CORPUS.length - 1 }), fc.nat({ max: 64 }), (i, pad) => {
        const bytes = CORPUS[i]!;
        const big = new Uint8Array(pad + bytes.length + 7).fill(0xaa);
        big.set(bytes, pad);
        const view = big.subarray(pad, pad + bytes.length);
        const a = parseModule(bytes);
        const b = parseModule(view);
        expect(b.sections).toEqual(a.sections);
        expect(b.exports).toEqual(a.exports);
        expect(b.customSections.map((c) => [c.name, c.offset, [...c.data]])).toEqual(
          a.customSections.map((c) => [c.name, c.offset, [...c.data]]),
        );
      }),
      { numRuns: 50 },
    );
  });
});
