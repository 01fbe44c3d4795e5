/**
 * Property tests of the component parser: whatever the bytes, it returns a ComponentAst
 * or throws WasmParseError with an offset inside the input, never anything else, and in
 * bounded time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { componentFixture, componentFixtureNames } from './fixtures.js';

const CORPUS: readonly Uint8Array[] = componentFixtureNames().map(componentFixture);

/** Parses `bytes`; fails on anything thrown but a WasmParseError with an offset in [0, length]. */
function check(bytes: Uint8Array): 'parsed' | 'rejected' {
  try {
    parseComponent(bytes);
    return 'parsed';
  } catch (error) {
    if (!(error instanceof WasmParseError)) throw error;
    // Plain checks, not expect(): this runs some ten thousand times per test.
    if (!(error.offset >= 0 && error.offset <= bytes.length)) {
      throw new Error(`offset ${error.offset} is outside the ${bytes.length} bytes: ${error.message}`);
    }
    if (!/^ERR_/.test(error.code)) throw new Error(`code ${error.code} is not a parse error code`);
    return 'rejected';
  }
}

describe('component parser robustness', () => {
  it('has a corpus of every fixture', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(5);
    for (const bytes of CORPUS) expect(check(bytes)).toBe('parsed');
  });

  it('throws only WasmParseError, at an offset within the input, for every truncation of every fixture', () => {
    let rejected = 0;
    for (const bytes of CORPUS) {
      for (let n = 0; n < bytes.length; n++) if (check(bytes.subarray(0, n)) === 'rejected') rejected++;
    }
    // Most cuts fall inside a section; a cut exactly between two sections may leave a valid component.
    expect(rejected).toBeGreaterThan(CORPUS.reduce((sum, b) => sum + b.length, 0) * 0.9);
  });

  it('throws only WasmParseError for mutated fixtures (3000 runs from a fixed seed)', () => {
    const outcomes = { parsed: 0, rejected: 0 };
    const mutated = fc
      .record({
        base: fc.nat({ max: CORPUS.length - 1 }),
        edits: fc.array(
          fc.record({
            kind: fc.constantFrom('set', 'flip', 'insert', 'delete'),
            at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
            byte: fc.integer({ min: 0, max: 255 }),
            length: fc.integer({ min: 1, max: 8 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
      })
      .map(({ base, edits }) => {
        let bytes = CORPUS[base]!.slice();
        for (const e of edits) {
          const at = Math.floor(e.at * bytes.length);
          if (e.kind === 'set' && at < bytes.length) bytes[at] = e.byte;
          else if (e.kind === 'flip' && at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << (e.byte & 7));
          else if (e.kind === 'insert') {
            const out = new Uint8Array(bytes.length + e.length).fill(e.byte);
            out.set(bytes.subarray(0, at), 0);
            out.set(bytes.subarray(at), at + e.length);
            bytes = out;
          } else if (e.kind === 'delete') {
            bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + e.length)]);
          }
        }
        return bytes;
      });
    fc.assert(
      fc.property(mutated, (bytes) => {
        outcomes[check(bytes)]++;
      }),
      { numRuns: 3000, seed: 20261201 },
    );
    // Both outcomes happen: the mutations reach past the preamble, and some leave a valid component.
    expect(outcomes.rejected).toBeGreaterThan(1500);
    expect(outcomes.parsed).toBeGreaterThan(10);
  });

  it('throws only WasmParseError for random bytes after a component preamble', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        const bytes = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, ...tail]);
        check(bytes);
      }),
      { numRuns: 2000, seed: 13 },
    );
  });
});
