/**
 * The standalone executable's entry (`npm run build:exe`, scripts/build-exe.js):
 * the CLI, or the compile child when started with that role (embedding.ts).
 * Built into a start-up snapshot, everything up to `start` runs when the
 * executable is built, and `start` when it runs.
 */
import './install.js';
import { startupSnapshot } from 'node:v8';
import { cliMain } from '../cli.js';
import { runCompileChild } from '../runtime/engine/compile-child.js';
import { ROLE_ENV } from './embedding.js';

function start(): void {
  // The executable starts with known flags, as the launcher of bin/wasmer-ts.js does:
  // a command whose module wants others is run again (commands/relaunch.ts).
  process.env.WASMER_TS_LAUNCHER ??= '1';
  const role = process.env[ROLE_ENV];
  // Read once and removed: a program this process runs never sees it.
  delete process.env[ROLE_ENV];
  if (role === 'engine/compile-child-main.js') {
    runCompileChild().catch((error: unknown) => {
      process.stderr.write(`the compile child failed: ${error instanceof Error ? error.message : error}\n`);
      process.exit(4);
    });
  } else if (role === undefined || role === '') {
    cliMain(process.argv).then((code) => {
      process.exitCode = code;
    });
  } else {
    process.stderr.write(`wasmer-ts: unknown ${ROLE_ENV}=${role}\n`);
    process.exitCode = 1; // EXIT.INTERNAL: only a bug of ours starts a child with a role it does not know
  }
}

if (startupSnapshot?.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(start);
else start();
