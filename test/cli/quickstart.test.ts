import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('README quickstart', () => {
  it('runs fixtures/simple.wasm --invoke sum 5 37 and prints 42', () => {
    const out = execFileSync(
      process.execPath,
      ['bin/wasmer-ts.js', 'run', 'fixtures/simple.wasm', '--invoke', 'sum', '5', '37'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(out).toBe('42\n');
  });
});
