// The tree both escape suites attack (test/runtime/wasi/escape.test.ts for preview1,
// test/runtime/wasi/p2/escape.test.ts for WASI 0.2): a sandbox directory with links
// out of it, and beside it a secret and a directory the guest must never reach.
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECRET = 'TOP SECRET: the host must never hand this to the guest';

/** Every entry under `dir` (name, type, size, mtime, content or link target), skipping `skip`. */
export function treeHash(dir: string, skip: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (p === skip) continue;
      const st = lstatSync(p, { bigint: true });
      hash.update(`${p}\0${st.mode}\0${st.size}\0${st.mtimeNs}\0${st.nlink}\0`);
      if (st.isSymbolicLink()) hash.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else hash.update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/**
 * A fresh temp directory `top` holding `secret`, `outside/x` and `sandbox/`, whose
 * symlinks point out in every way a guest might use: relative, absolute, chained,
 * dangling, to a directory, and two levels up from a subdirectory.
 */
export function makeEscapeTree(prefix: string): { readonly top: string; readonly sandbox: string } {
  const top = mkdtempSync(join(tmpdir(), prefix));
  const sandbox = join(top, 'sandbox');
  writeFileSync(join(top, 'secret'), SECRET);
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'outside', 'x'), 'outside file');
  mkdirSync(join(sandbox, 'sub'), { recursive: true });
  writeFileSync(join(sandbox, 'inside.txt'), 'inside');
  symlinkSync('../secret', join(sandbox, 'rel_out'));
  symlinkSync(join(top, 'secret'), join(sandbox, 'abs_out'));
  symlinkSync('chain2', join(sandbox, 'chain1'));
  symlinkSync('../secret', join(sandbox, 'chain2'));
  symlinkSync('../created_by_link', join(sandbox, 'dangling_out'));
  symlinkSync('..', join(sandbox, 'dir_out'));
  symlinkSync(top, join(sandbox, 'abs_dir_out'));
  symlinkSync('../..', join(sandbox, 'sub', 'up2'));
  return { top, sandbox };
}
