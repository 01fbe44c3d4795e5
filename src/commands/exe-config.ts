/**
 * What `wasmer-ts create-exe` (create-exe.ts) writes into an executable beside
 * the program, and what the executable's runner (src/standalone/app.ts) reads
 * back: the names of the assets and the run's settings, fixed when it was made.
 */
import type { CompilerChoice } from '../runtime/engine/tiering.js';
import { ArtifactError } from '../runtime/errors.js';

export const APP_ASSETS = {
  /** ExeConfig, as JSON. */
  config: 'app.json',
  /** The program as an artifact: its Wasm, and V8's machine code for it. */
  artifact: 'app.wasmu',
  addon: 'wasmer_ts_native.node',
} as const;

export const EXE_CONFIG_FORMAT = 1;

export interface ExeConfig {
  readonly format: typeof EXE_CONFIG_FORMAT;
  /** The wasmer-ts that wrote it. */
  readonly wasmerTsVersion: string;
  /** The program's name: its argv[0] (the module's file name without .wasm). */
  readonly program: string;
  /** guest path -> absolute host path */
  readonly preopens: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly compiler: CompilerChoice;
  /** SHA-256 of the addon asset, or null when the executable has none (then no machine code is loaded). */
  readonly addonSha256: string | null;
}

function damaged(why: string): ArtifactError {
  return new ArtifactError(
    'ERR_ARTIFACT_CORRUPT',
    `this executable is damaged: ${why}; make it again with wasmer-ts create-exe`,
  );
}

const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** Reads the config asset. @throws ArtifactError (`ERR_ARTIFACT_CORRUPT`) for anything else. */
export function parseExeConfig(text: string): ExeConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(`its ${APP_ASSETS.config} is not JSON`);
  }
  const c = value as Partial<Record<keyof ExeConfig, unknown>> | null;
  if (typeof c !== 'object' || c === null) throw damaged(`its ${APP_ASSETS.config} is not an object`);
  if (c.format !== EXE_CONFIG_FORMAT) {
    throw damaged(`its ${APP_ASSETS.config} has format ${JSON.stringify(c.format)}, not ${EXE_CONFIG_FORMAT}`);
  }
  if (
    typeof c.wasmerTsVersion !== 'string' ||
    typeof c.program !== 'string' ||
    !isStringRecord(c.preopens) ||
    !isStringRecord(c.env) ||
    (c.compiler !== 'auto' && c.compiler !== 'baseline' && c.compiler !== 'optimizing') ||
    !(c.addonSha256 === null || (typeof c.addonSha256 === 'string' && /^[0-9a-f]{64}$/.test(c.addonSha256)))
  ) {
    throw damaged(`its ${APP_ASSETS.config} lacks a field or has one of the wrong type`);
  }
  return c as ExeConfig;
}
