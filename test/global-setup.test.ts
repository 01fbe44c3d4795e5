// The global setup's own promises: dist/ is current when tests run, and only the
// temp parents of runs that are over are removed.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleRunDirs, staleSources, TEST_TMP_PREFIX } from './global-setup.js';

const base = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-setup-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('global setup', () => {
  it('built dist/ before the tests: no src/ file is newer than its output', () => {
    expect(staleSources()).toEqual([]);
  });

  it('this run writes its temp files under its own parent', () => {
    expect(path.basename(tmpdir())).toMatch(new RegExp(`^${TEST_TMP_PREFIX}\\d+-`));
  });

  it("removes a finished run's temp parent, never a live run's or anything else", () => {
    // pid_max is at most 2^22 on Linux: no process has this id.
    const dead = `${TEST_TMP_PREFIX}999999999-abc`;
    const live = `${TEST_TMP_PREFIX}${process.pid}-def`;
    for (const name of [dead, live, 'wasmer-ts-cli-cache-xyz', `${TEST_TMP_PREFIX}x`]) {
      mkdirSync(path.join(base, name, 'inside'), { recursive: true });
    }
    expect(removeStaleRunDirs(base)).toEqual([dead]);
    expect(readdirSync(base).sort()).toEqual([live, `${TEST_TMP_PREFIX}x`, 'wasmer-ts-cli-cache-xyz'].sort());
  });
});
