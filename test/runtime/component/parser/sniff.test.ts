import { describe, expect, it } from 'vitest';
import { isComponentBinary, parseComponent } from '../../../../src/runtime/component/parser/index.js';
import { WasmParseError } from '../../../../src/runtime/errors.js';
import { parseModule } from '../../../../src/runtime/parser/index.js';
import { formatPrefixCheck, isComponentHead, sniff } from '../../../../src/runtime/parser/sniff.js';
import { errorOf } from '../../../helpers/errors.js';
import { CORE_PREAMBLE, PREAMBLE } from './component-binary.js';
import { componentFixture } from './fixtures.js';

const add = componentFixture('add');

describe('telling a component from a module', () => {
  it('isComponentBinary looks at the magic, version and layer', () => {
    expect(isComponentBinary(add)).toBe(true);
    expect(isComponentBinary(Uint8Array.from(PREAMBLE))).toBe(true);
    expect(isComponentBinary(Uint8Array.from(CORE_PREAMBLE))).toBe(false);
    expect(isComponentBinary(Uint8Array.from(PREAMBLE.slice(0, 7)))).toBe(false);
    expect(isComponentBinary(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x02, 0x00))).toBe(false);
    expect(isComponentHead(add)).toBe(true);
  });

  it('sniff says component for a component and keeps wasm for modules and damaged binaries', () => {
    expect(sniff(add)).toEqual({ format: 'component', text: null });
    expect(sniff(Uint8Array.from(CORE_PREAMBLE))).toEqual({ format: 'wasm', text: null });
    expect(sniff(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d))).toEqual({ format: 'wasm', text: null });
    expect(sniff(new TextEncoder().encode('(component)'))).toMatchObject({ format: 'text' });
  });

  it('formatPrefixCheck keeps reading a component piped in, a byte at a time or whole', () => {
    const byByte = formatPrefixCheck();
    expect([...add.subarray(0, 12)].every((b) => byByte(Uint8Array.of(b)))).toBe(true);
    expect(formatPrefixCheck()(add)).toBe(true);
    expect(formatPrefixCheck()(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x02))).toBe(false);
    expect(formatPrefixCheck()(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x02))).toBe(false);
  });

  it("the core parser's version error says the bytes are a component", () => {
    const e = errorOf(() => parseModule(add), WasmParseError);
    expect(e).toMatchObject({ code: 'ERR_BAD_VERSION', offset: 4 });
    expect(e.message).toContain('this is a WebAssembly component, not a core module');
  });

  it('parseComponent takes only a Uint8Array', () => {
    expect(() => parseComponent(add.buffer as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'ERR_ARG_TYPE' }),
    );
  });
});
