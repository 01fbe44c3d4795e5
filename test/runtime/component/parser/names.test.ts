import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isLabel,
  parseExternName,
  parseExternNameByPattern,
  UniqueNames,
  uniquenessKey,
} from '../../../../src/runtime/component/parser/names.js';

describe('labels', () => {
  it('accepts kebab-case words and acronyms, as the Explainer lists them', () => {
    for (const label of [
      'a',
      'a-b-c',
      'a1-2-3',
      'A',
      'A-B-C',
      'A1-2-3',
      'a11-w0rds',
      'A11-4CR0NYMS',
      'm1x3d-4CR0NYMS',
      'is-XML',
    ]) {
      expect(isLabel(label), label).toBe(true);
    }
  });

  it('refuses labels starting with a digit, mixed-case words, empty fragments and other characters', () => {
    for (const label of ['', '1-2-3', 'aB', 'Ab', 'a--b', '-a', 'a-', 'a_b', 'a.b', 'ä', 'a b']) {
      expect(isLabel(label), label).toBe(false);
    }
  });
});

describe('parseExternName', () => {
  it('parses plain names and the resource function forms', () => {
    expect(parseExternName('greet')).toEqual({ kind: 'plain', name: 'greet' });
    expect(parseExternName('[constructor]file')).toEqual({ kind: 'constructor', resource: 'file', name: 'file' });
    expect(parseExternName('[method]file.read')).toEqual({ kind: 'method', resource: 'file', name: 'read' });
    expect(parseExternName('[static]file.open-at')).toEqual({ kind: 'static', resource: 'file', name: 'open-at' });
  });

  it('parses interface names with and without versions, nested namespaces and projections included', () => {
    expect(parseExternName('wasi:cli/run@0.2.3')).toEqual({
      kind: 'interface',
      namespace: 'wasi',
      packageName: 'cli',
      interfaceName: 'run',
      version: '0.2.3',
    });
    expect(parseExternName('wasi:http/types')).toEqual({
      kind: 'interface',
      namespace: 'wasi',
      packageName: 'http',
      interfaceName: 'types',
      version: undefined,
    });
    expect(parseExternName('a:b/c@1.0.0-rc.1+build.5')).toMatchObject({ version: '1.0.0-rc.1+build.5' });
    // 🔗 canonical versions
    expect(parseExternName('a:b/c@0.2')).toMatchObject({ version: '0.2' });
    expect(parseExternName('a:b:c/d/e')).toMatchObject({ namespace: 'a:b', packageName: 'c', interfaceName: 'd/e' });
  });

  // parseExternName reads the common interface names character by character (no regular
  // expression to compile in a cold start) and hands every other name to the patterns.
  it('reads every name as the grammar’s patterns do: the character-by-character path agrees with them', () => {
    const near = ['wasi:cli/run@0.2.12', 'wasi:cli/run', 'wasi:io/poll@0.2.0', 'a:b/c@0.0.0', 'a-1:b-c2/d-e@10.20.30'];
    const edges = [
      'a:b/c@01.2.3',
      'a:b/c@1.2',
      'a:b/c@1.2.3-rc',
      'a:b/c@1.2.3.4',
      'a:b/c@',
      'a:b/c@1..2',
      'a-:b/c',
      'a--b:c/d',
      'a:b/c-',
      'A:b/c',
      'a:b/C',
      'a:b/c/d',
      'a:b:c/d',
      '1a:b/c',
      'a:b/c@0.2.3+x',
      ':b/c',
      'a:/c',
      'a:b/',
      'a:b',
    ];
    for (const name of [...near, ...edges]) {
      expect(parseExternName(name), name).toStrictEqual(parseExternNameByPattern(name));
    }
    expect(parseExternName('wasi:cli/run@0.2.12')).toStrictEqual({
      kind: 'interface',
      namespace: 'wasi',
      packageName: 'cli',
      interfaceName: 'run',
      version: '0.2.12',
    });
    // Random names over the characters the grammar uses, mostly close to the common shape.
    const piece = fc.stringMatching(/^[a-z0-9A-Z-]{0,6}$/);
    const version = fc.oneof(fc.constant(''), fc.stringMatching(/^@[0-9.a-z+-]{0,9}$/));
    const name = fc.oneof(
      fc.tuple(piece, piece, piece, version).map(([a, b, c, v]) => `${a}:${b}/${c}${v}`),
      fc.stringMatching(/^[a-z0-9:/@.-]{0,16}$/),
    );
    fc.assert(
      fc.property(name, (n) => {
        expect(parseExternName(n)).toStrictEqual(parseExternNameByPattern(n));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the dependency forms whole', () => {
    expect(parseExternName('url=<https://example.com/x.wasm>')).toEqual({
      kind: 'other',
      name: 'url=<https://example.com/x.wasm>',
    });
  });

  it('returns null for anything else', () => {
    for (const name of [
      '',
      'my_func',
      '[method]file',
      '[method]file.',
      '[constructor]file.x',
      '[other]x',
      '[method.x',
      'wasi:cli',
      'wasi:cli/run@',
      'wasi:cli/run@1.2',
      'wasi:cli/run@01.2.3',
      'Wasi:cli/run',
      'wasi:cli/Run-x',
    ]) {
      expect(parseExternName(name), name).toBeNull();
    }
  });
});

describe('strong uniqueness', () => {
  it('canonicalizes as the Explainer says', () => {
    expect(uniquenessKey('FOO')).toBe('foo');
    expect(uniquenessKey('[method]foo.foo')).toBe('foo');
    expect(uniquenessKey('[static]foo.bar')).toBe('foo.bar');
    expect(uniquenessKey('[method]foo.bar')).toBe('foo.bar');
    expect(uniquenessKey('[constructor]foo')).toBe('[constructor]foo');
  });

  it("accepts the Explainer's strongly-unique set and refuses each of its clashing names", () => {
    const names = new UniqueNames();
    for (const name of ['foo', 'foo-bar', '[constructor]foo', '[method]foo.bar', '[static]foo.baz', 'foo:bar/baz']) {
      expect(names.add(name), name).toBeNull();
    }
    for (const name of [
      'foo',
      'FOO',
      'foo-BAR',
      '[constructor]FOO',
      '[method]foo.BAR',
      '[static]foo.bar',
      '[method]foo.baz',
      '[method]foo.foo',
      'foo:bar/BAZ',
    ]) {
      const copy = new UniqueNames();
      for (const n of ['foo', 'foo-bar', '[constructor]foo', '[method]foo.bar', '[static]foo.baz', 'foo:bar/baz'])
        copy.add(n);
      expect(copy.add(name), name).not.toBeNull();
    }
  });
});
