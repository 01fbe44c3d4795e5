import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pathWithThisNode, ROOT } from './helpers.js';

describe('README quickstart', () => {
  it('npx wasmer-ts run fixtures/simple.wasm --invoke sum 5 37 prints 42', () => {
    // As the README says it: npx finds node_modules/.bin/wasmer-ts (npm ci links the package to itself).
    const out = execFileSync('npx', ['wasmer-ts', 'run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: pathWithThisNode() },
    });
    expect(out).toBe('42\n');
  });

  it('node bin/wasmer-ts.js runs it too, under the flags node was given', () => {
    const args = ['bin/wasmer-ts.js', 'run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'];
    expect(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })).toBe('42\n');
  });
});
