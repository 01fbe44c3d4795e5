// The cache through the built binary: compile, run of an artifact, the automatic
// cache of run/call, and `cache dir|ls|clean`. Needs `npm run build` (npm test does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeStatus } from '../../../src/runtime/cache/native.js';
import { wat } from '../../helpers/wat.js';
import { assertBuilt, KERNEL_WAT, kernelWork } from './child.js';

const BIN = fileURLToPath(new URL('../../../bin/wasmer-ts.js', import.meta.url));
const N = 30_000_000; // long enough (well over 50 ms) for a run to fill the cache
let dir: string;
let kernelFile: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'xdg'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-cli-cache-'));
  kernelFile = path.join(dir, 'kernel.wasm');
  writeFileSync(kernelFile, await wat(KERNEL_WAT));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('wasmer-ts cache', () => {
  it('cache dir follows $XDG_CACHE_HOME and --cache-dir', () => {
    expect(cli(['cache', 'dir']).stdout).toBe(`${path.join(dir, 'xdg', 'wasmer-ts')}\n`);
    const json = JSON.parse(cli(['cache', 'dir', '--json', '--cache-dir', '/somewhere']).stdout);
    expect(json).toMatchObject({ dir: '/somewhere', machineCode: nativeStatus().available });
  });

  it('run fills the cache, the next run uses it, ls shows it and clean empties it', async () => {
    const cacheDir = path.join(dir, 'xdg', 'wasmer-ts');
    const first = cli(['run', kernelFile, '--invoke', 'work', String(N)]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(`${kernelWork(N)}\n`);
    if (!nativeStatus().available) {
      expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
      return;
    }
    await waitFor(() => existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.wasmu')));
    const second = cli(['call', kernelFile, 'work', String(N)]);
    expect(second).toMatchObject({ status: 0, stdout: `${kernelWork(N)}\n`, stderr: '' });
    const listed = JSON.parse(cli(['cache', 'ls', '--json']).stdout);
    expect(listed.entries).toHaveLength(1);
    expect(listed.entries[0]).toMatchObject({ valid: true, currentEngine: true });
    expect(listed.entries[0].machineCodeSize).toBeGreaterThan(0);
    expect(cli(['cache', 'ls']).stdout).toMatch(/^1 entry, .* in /m);
    expect(cli(['cache', 'clean']).stdout).toMatch(/^removed 1 entry \(/);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.wasmu'))).toEqual([]);
  });

  it('--no-cache neither reads nor fills the cache', async () => {
    const cacheDir = path.join(dir, 'nocache');
    const r = cli(['run', '--no-cache', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)]);
    expect(r.stdout).toBe(`${kernelWork(N)}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('a damaged cache entry is a miss with a note, never a failure', async () => {
    if (!nativeStatus().available) return;
    const cacheDir = path.join(dir, 'damaged');
    cli(['run', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)]);
    await waitFor(() => existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.wasmu')));
    const [entry] = readdirSync(cacheDir).filter((f) => f.endsWith('.wasmu'));
    const file = path.join(cacheDir, entry!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 20]! ^= 0x08;
    writeFileSync(file, bytes);
    const r = cli(['run', '--cache-dir', cacheDir, kernelFile, '--invoke', 'work', String(N)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${kernelWork(N)}\n`);
    expect(r.stderr).toMatch(/^note: cache: discarded .* machine code/);
  });
});

describe('wasmer-ts compile and artifacts', () => {
  it('compile writes an artifact that run uses; without the addon it recompiles with a note', () => {
    const out = path.join(dir, 'kernel.wasmu');
    const compiled = cli(['compile', kernelFile, '-o', out, '--json']);
    expect(compiled.status).toBe(0);
    const report = JSON.parse(compiled.stdout);
    expect(report.output).toBe(out);
    const hasCode = nativeStatus().available;
    expect(report.machineCodeSize > 0).toBe(hasCode);

    const run = cli(['run', '--no-cache', out, '--invoke', 'work', '1000']);
    expect(run).toMatchObject({ status: 0, stdout: `${kernelWork(1000)}\n`, stderr: '' });
    expect(cli(['inspect', out]).stdout).toMatch(hasCode ? /machine code: .*, usable here/ : /machine code: none/);

    if (hasCode) {
      const off = { WASMER_TS_NATIVE: '0' };
      const fallback = cli(['run', '--no-cache', out, '--invoke', 'work', '1000'], off);
      expect(fallback.status).toBe(0);
      expect(fallback.stdout).toBe(`${kernelWork(1000)}\n`);
      expect(fallback.stderr).toBe(
        'note: machine code not used (disabled by WASMER_TS_NATIVE=0); compiled from the Wasm bytes instead\n',
      );
      expect(cli(['inspect', out], off).stdout).toMatch(/unusable here: disabled by WASMER_TS_NATIVE=0/);
      expect(cli(['compile', '--help'], off).stdout).toMatch(/Machine code: not saved here/);
    }
  });
});
