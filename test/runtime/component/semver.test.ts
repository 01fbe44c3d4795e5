// Which host key serves an import: the exact name, else the same interface on the same semver
// compatibility track (or without a version), highest first, as wasmtime's linker matches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchImportKey, parseVersion, parseVersionByPattern } from '../../../src/runtime/component/semver.js';

describe('matchImportKey', () => {
  it('takes the exact name first', () => {
    expect(matchImportKey('wasi:cli/run@0.2.3', ['wasi:cli/run@0.2.9', 'wasi:cli/run@0.2.3'])).toBe(
      'wasi:cli/run@0.2.3',
    );
    expect(matchImportKey('greet', ['greet'])).toBe('greet');
  });

  it.each([
    ['wasi:cli/run@0.2.3', ['wasi:cli/run@0.2.0'], 'wasi:cli/run@0.2.0'],
    ['wasi:cli/run@0.2.3', ['wasi:cli/run@0.2.9'], 'wasi:cli/run@0.2.9'],
    ['wasi:cli/run@0.2.3', ['wasi:cli/run'], 'wasi:cli/run'],
    ['a:b/c@1.2.3', ['a:b/c@1.0.0', 'a:b/c@1.9.1', 'a:b/c@1.3.0'], 'a:b/c@1.9.1'],
    ['a:b/c@1.2.3', ['a:b/c', 'a:b/c@1.0.0'], 'a:b/c@1.0.0'],
    ['a:b/c', ['a:b/c@0.1.0', 'a:b/c@0.2.0'], 'a:b/c@0.2.0'],
  ] as const)('serves %s from %j with %s', (name, keys, expected) => {
    expect(matchImportKey(name, keys)).toBe(expected);
  });

  it.each([
    ['wasi:cli/run@0.2.3', ['wasi:cli/run@0.3.0', 'wasi:cli/run@1.0.0']],
    ['a:b/c@1.2.3', ['a:b/c@2.0.0', 'a:b/c@0.1.0']],
    ['a:b/c@0.0.3', ['a:b/c@0.0.4']],
    ['a:b/c@0.3.0-rc1', ['a:b/c@0.3.0', 'a:b/c@0.3.0-rc2']],
    ['a:b/c@0.2.3', ['a:b/d@0.2.3', 'x:b/c@0.2.3', 'a:x/c@0.2.3']],
    ['greet', ['Greet', 'greet-x']],
  ] as const)('finds nothing for %s among %j', (name, keys) => {
    expect(matchImportKey(name, keys)).toBeNull();
  });
});

// parseVersion reads a plain `MAJOR.MINOR.PATCH` without its pattern (no regular expression to
// compile in a cold start) and hands every other version to the pattern.
describe('parseVersion', () => {
  it('reads every version as its pattern does', () => {
    const cases = [
      '0.2.12',
      '0.0.0',
      '10.20.30',
      '01.2.3',
      '1.02.3',
      '1.2',
      '1.2.3.4',
      '1..3',
      '',
      '1.2.3-rc1',
      '1.2.3+b',
      'a.b.c',
      '1.2.-3',
    ];
    for (const v of cases) expect(parseVersion(v), v).toStrictEqual(parseVersionByPattern(v));
    expect(parseVersion('0.2.12')).toStrictEqual({ major: 0, minor: 2, patch: 12, pre: '' });
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.a-z+-]{0,10}$/), (v) => {
        expect(parseVersion(v)).toStrictEqual(parseVersionByPattern(v));
      }),
      { numRuns: 3000 },
    );
  });
});
