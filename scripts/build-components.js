#!/usr/bin/env node
// Rebuilds every component fixture: fixtures/components/NAME.wat -> NAME.wasm, with
// `jco parse` (wasm-tools' text parser, compiled to JS). The binaries are committed
// beside their sources, so `npm test` needs no jco; this script is how they were made.
//
//   node scripts/build-components.js           rebuild every fixture
//   node scripts/build-components.js --check   exit 1 if a committed .wasm differs from a fresh build
//
// jco (340 MB installed) is not a dependency of ours: it is installed once into
// $XDG_CACHE_HOME/wasmer-ts-jco (default ~/.cache), outside the repository, at the
// version pinned below.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const JCO_VERSION = '1.35.0';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = path.join(ROOT, 'fixtures', 'components');

/** The jco install directory outside the repo. */
export function jcoDir() {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'wasmer-ts-jco');
}

/** Path of the jco CLI, installing it first when `install` and it is missing; null when absent. */
export function jcoBin({ install = false } = {}) {
  const dir = jcoDir();
  const bin = path.join(dir, 'node_modules', '@bytecodealliance', 'jco', 'src', 'jco.js');
  const alt = path.join(dir, 'node_modules', '.bin', 'jco');
  const found = [alt, bin].find((p) => existsSync(p));
  if (found || !install) return found ?? null;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'package.json'))) writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `@bytecodealliance/jco@${JCO_VERSION}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  return existsSync(alt) ? alt : null;
}

/** `jco parse` of one .wat file: the component (or module) binary. */
export function parseWat(jco, watPath) {
  const out = path.join(tmpdir(), `wasmer-ts-component-${process.pid}-${path.basename(watPath, '.wat')}.wasm`);
  execFileSync(jco, ['parse', watPath, '-o', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(out);
}

function main() {
  const check = process.argv.includes('--check');
  const jco = jcoBin({ install: !check });
  if (jco === null) {
    console.error(`jco is not installed in ${jcoDir()}: run this script without --check once`);
    process.exit(2);
  }
  let stale = 0;
  for (const name of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.wat'))
    .sort()) {
    const wasmPath = path.join(FIXTURES, name.replace(/\.wat$/, '.wasm'));
    const built = parseWat(jco, path.join(FIXTURES, name));
    const old = existsSync(wasmPath) ? readFileSync(wasmPath) : null;
    if (old !== null && Buffer.compare(old, built) === 0) continue;
    if (check) {
      console.error(`${path.relative(ROOT, wasmPath)} differs from a fresh build of ${name}`);
      stale++;
    } else {
      writeFileSync(wasmPath, built);
      console.log(`built ${path.relative(ROOT, wasmPath)} (${built.length} bytes)`);
    }
  }
  process.exit(stale === 0 ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
