// The traps the canonical ABI requires (design/mvp/CanonicalABI.md), each from a real
// component whose core code returns a value that breaks one rule: our CanonicalAbiError,
// a Trap (the CLI's exit 134), with the code naming the rule; a core trap is a plain Trap.
import { describe, expect, it } from 'vitest';
import { Component } from '../../../src/runtime/component/component.js';
import { CanonicalAbiError, Trap } from '../../../src/runtime/errors.js';
import { componentBytes } from './fixtures.js';

const exports = new Component(componentBytes('traps')).instantiate().exports as Record<string, () => unknown>;

function thrown(name: string): unknown {
  try {
    exports[name]?.();
  } catch (error) {
    return error;
  }
  throw new Error(`${name} did not throw`);
}

describe('canonical ABI traps', () => {
  it.each([
    ['badUtf8', 'ERR_CANON_STRING'],
    ['stringOutOfBounds', 'ERR_CANON_STRING'],
    ['badChar', 'ERR_CANON_CHAR'],
    ['charTooBig', 'ERR_CANON_CHAR'],
    ['badEnum', 'ERR_CANON_DISCRIMINANT'],
    ['badOption', 'ERR_CANON_DISCRIMINANT'],
    ['badResult', 'ERR_CANON_DISCRIMINANT'],
    ['listUnaligned', 'ERR_CANON_ALIGN'],
    ['listOutOfBounds', 'ERR_CANON_BOUNDS'],
    ['dropBogus', 'ERR_CANON_HANDLE'],
  ])('%s traps with %s', (name, code) => {
    const error = thrown(name);
    expect(error).toBeInstanceOf(CanonicalAbiError);
    expect(error).toBeInstanceOf(Trap);
    expect(error).toMatchObject({ code });
  });

  it('names the function in the message', () => {
    expect((thrown('badChar') as Error).message).toContain('bad-char');
  });

  it('turns a core trap into Trap with its reason', () => {
    const error = thrown('boom');
    expect(error).toBeInstanceOf(Trap);
    expect(error).toMatchObject({ code: 'ERR_TRAP' });
    expect((error as Trap).reason).toContain('unreachable');
  });
});
