/**
 * The entry of an executable made by `wasmer-ts create-exe` (commands/create-exe.ts):
 * runs the WASI program inside it with the preopens and environment fixed when it
 * was made, every argument of this process as the program's, and the program's
 * exit status as its own. Errors are reported as `wasmer-ts run` reports them
 * (commands/report.ts), with the same exit codes.
 *
 * Its assets (commands/exe-config.ts): the settings, the program as an artifact
 * (the Wasm and V8's machine code, compiled ahead by the same Node this executable
 * holds), and the native addon that loads the code. It starts with the flags that
 * code was compiled under (it is built with them) and never with others: Node
 * options on its command line or in NODE_OPTIONS are not read
 * (`execArgvExtension: "none"`), they are the program's arguments.
 *
 * `WASMER_TS_EXE_VERBOSE=1` prints, on stderr, whether the machine code was used.
 * Like everything here it is read at run time: the bundle is a start-up snapshot.
 */
import { startupSnapshot } from 'node:v8';
import { APP_ASSETS, type ExeConfig, parseExeConfig } from '../commands/exe-config.js';
import { reportError } from '../commands/report.js';
import { readArtifactHeader } from '../runtime/engine/artifact.js';
import { installEmbedding } from '../runtime/engine/paths.js';
import { ArtifactError } from '../runtime/errors.js';
import { Module } from '../runtime/module.js';
import { runProgram } from '../runtime/program/run-program.js';
import { extractAddon } from './addon.js';
import { sea } from './sea.js';

declare const __WASMER_TS_VERSION__: string;

function asset(key: string): Uint8Array {
  try {
    return new Uint8Array(sea().getRawAsset(key) as ArrayBuffer);
  } catch {
    throw new ArtifactError(
      'ERR_ARTIFACT_CORRUPT',
      `this executable is damaged: it has no ${key}; make it again with wasmer-ts create-exe`,
    );
  }
}

function embed(config: ExeConfig): void {
  const none = (what: string) => () => {
    throw new Error(`an executable made by create-exe has no ${what}`);
  };
  installEmbedding({
    version: __WASMER_TS_VERSION__,
    nativeAddonPath: () =>
      config.addonSha256 === null
        ? { reason: 'this executable was made without the native addon' }
        : extractAddon(() => asset(APP_ASSETS.addon), config.addonSha256),
    workerSource: none('worker'),
    distFile: () => null,
    launch: none('child processes'),
  });
}

async function main(): Promise<number> {
  const verbose = process.env.WASMER_TS_EXE_VERBOSE === '1';
  const config = parseExeConfig(new TextDecoder().decode(asset(APP_ASSETS.config)));
  embed(config);
  let notice: string | null = null;
  const artifact = asset(APP_ASSETS.artifact);
  const module = await Module.from(artifact, {
    compiler: config.compiler,
    onNotice: (message) => {
      notice = message;
    },
  });
  if (verbose) {
    const code = readArtifactHeader(artifact).header.machineCodeByteLength;
    const what =
      notice !== null ? `note: ${notice}` : code > 0 ? `machine code used (${code} B)` : 'no machine code in it';
    process.stderr.write(`wasmer-ts create-exe: ${config.program}: ${what}\n`);
  }
  const { exitCode } = await runProgram({
    module,
    wasi: {
      args: [config.program, ...process.argv.slice(2)],
      env: { ...config.env },
      preopens: { ...config.preopens },
    },
  });
  return exitCode;
}

function start(): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    async (error: unknown) => {
      process.exitCode = await reportError(error);
    },
  );
}

if (startupSnapshot?.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(start);
else start();
