/**
 * The engine fingerprint: the facts about this process that V8's machine code
 * depends on (wasmer-ts, Node and V8 versions, CPU, code-affecting V8 flags).
 * An artifact records the fingerprint of the process that compiled it
 * (./artifact.ts stores it and compares nothing); `engineMismatch` says why
 * machine code made under one fingerprint cannot run under another, and the
 * cache names its entries by a hash of it.
 */

import { readFileSync } from 'node:fs';
import type * as NodeOs from 'node:os';
import { requireBuiltin } from '../builtin.js';
import type { EngineFingerprint } from './artifact.js';
import { sha256Hex } from './hash.js';
import { packageVersion } from './paths.js';
import {
  type CompileMode,
  isCodegenFlag,
  isTierFlag,
  normalizeFlag,
  processCompileMode,
  v8FlagsFor,
} from './tiering.js';

/**
 * The code-affecting V8 flags in effect for this process: `MODE/HASH`, the
 * compile mode its tier flags give (tiering.ts: `baseline`, `optimizing`,
 * `eager`) and a short hash of the other codegen flags (`default` for none).
 * The mode is readable so that a mismatch can say which flags to start Node with.
 *
 * JS cannot read V8's flag values, so this looks at what the process was
 * started with (execArgv and NODE_OPTIONS); flags set later through
 * `v8.setFlagsFromString` are not seen, but V8 rejects a serialized module whose
 * flag hash differs (native/src/addon.cc then sets `accepted` false), which the
 * loader reports as a notice.
 */
export function v8FlagFingerprint(argv: readonly string[] = processFlags()): string {
  const relevant = argv
    .filter((a) => isCodegenFlag(a) && !isTierFlag(a))
    .map(normalizeFlag)
    .sort();
  const rest =
    relevant.length === 0 ? 'default' : sha256Hex(new TextEncoder().encode(relevant.join('\n'))).slice(0, 16);
  return `${processCompileMode(argv)}/${rest}`;
}

/** The compile mode in a flag fingerprint, or null for one without (written before modes were recorded). */
function fingerprintMode(fingerprint: string): string | null {
  const slash = fingerprint.indexOf('/');
  return slash < 0 ? null : fingerprint.slice(0, slash);
}

/** The flags this process was started with: execArgv, then NODE_OPTIONS. */
export function processFlags(): string[] {
  const fromEnv = (process.env.NODE_OPTIONS ?? '').split(/\s+/).filter((s) => s.length > 0);
  return [...process.execArgv, ...fromEnv];
}

let engine: EngineFingerprint | undefined;

/**
 * The CPU's model and feature flags. On Linux both come from one read of
 * /proc/cpuinfo (`model name` and `flags`, or `Features` on Arm), so that two
 * machines with one model name but different features (a VM masking AVX, say) do
 * not share machine code, and node:os stays unloaded (6 modules, compiled from
 * source under --no-liftoff). Elsewhere the model from node:os and no features:
 * V8 also checks the CPU features its code was compiled for.
 */
function cpuDescription(): string {
  if (process.platform === 'linux') {
    try {
      const info = readFileSync('/proc/cpuinfo', 'utf8');
      const model = cpuinfoField(info, ['model name']);
      const features = cpuinfoField(info, ['flags', 'Features'])
        ?.split(' ')
        .filter((f) => f !== '')
        .sort()
        .join(' ');
      if (model !== undefined) return `${model}\n${features ?? ''}`;
      // Arm kernels may name no model: node:os gives what it finds.
      return `${osModel()}\n${features ?? ''}`;
    } catch {
      // No /proc: node:os below.
    }
  }
  return `${osModel()}\n`;
}

/**
 * The value of the first `key : value` line of /proc/cpuinfo whose key is one of `keys`
 * (keys are padded with tabs). Without regular expressions: a cold start compiles each
 * one, and the two this took were 0.35 of a component run's milliseconds on Node 26.
 */
function cpuinfoField(info: string, keys: readonly string[]): string | undefined {
  for (let start = 0; start < info.length; ) {
    const next = info.indexOf('\n', start);
    const end = next < 0 ? info.length : next;
    const colon = info.indexOf(':', start);
    if (colon > start && colon < end && keys.includes(info.slice(start, colon).trim())) {
      return info.slice(colon + 1, end).trim();
    }
    start = end + 1;
  }
  return undefined;
}

function osModel(): string {
  const os = requireBuiltin<typeof NodeOs>('node:os');
  return os.cpus()[0]?.model ?? 'unknown-cpu';
}

/** The fingerprint of this process: what an artifact's machine code must match to be used here. */
export function currentEngine(): EngineFingerprint {
  engine ??= {
    wasmerTsVersion: packageVersion(),
    nodeVersion: process.versions.node,
    v8Version: process.versions.v8,
    arch: process.arch,
    cpuFingerprint: `${process.arch}-${sha256Hex(new TextEncoder().encode(cpuDescription())).slice(0, 16)}`,
    flagFingerprint: v8FlagFingerprint(),
  };
  return engine;
}

/**
 * Why machine code built for `header` cannot run in this process, or null when
 * every engine field matches. `anyTier` ignores a difference in compile mode
 * alone (`wasmer-ts run` starts Node with the mode an artifact needs).
 */
export function engineMismatch(
  header: EngineFingerprint,
  here: EngineFingerprint = currentEngine(),
  options: { readonly anyTier?: boolean } = {},
): string | null {
  const fields: [keyof EngineFingerprint, string][] = [
    ['wasmerTsVersion', 'wasmer-ts version'],
    ['nodeVersion', 'Node version'],
    ['v8Version', 'V8 version'],
    ['arch', 'architecture'],
    ['cpuFingerprint', 'CPU'],
  ];
  for (const [key, label] of fields) {
    if (header[key] !== here[key]) return `it was compiled for ${label} ${header[key]}, this process has ${here[key]}`;
  }
  const [made, now] = [header.flagFingerprint, here.flagFingerprint];
  if (made === now) return null;
  const [madeMode, nowMode] = [fingerprintMode(made), fingerprintMode(now)];
  const sameOtherFlags = madeMode !== null && made.slice(madeMode.length) === now.slice(nowMode?.length ?? 0);
  if (sameOtherFlags && options.anyTier === true) return null;
  if (sameOtherFlags && madeMode !== nowMode) {
    const flags = v8FlagsFor(madeMode as CompileMode);
    return (
      `it was compiled for ${madeMode} processes (node ${flags.join(' ') || 'without tier flags'}), ` +
      `this one is ${nowMode}: \`wasmer-ts run\` starts Node with those flags`
    );
  }
  return `it was compiled for V8 flags ${made}, this process has ${now}`;
}
