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
import { warmUp } from './warm-up.js';

function start(): void {
  // The executable starts with known flags (the baked --no-liftoff, scripts/build-exe.js),
  // and is marked as the launcher of bin/wasmer-ts.js marks Node: a command whose module
  // wants others is run again (commands/relaunch.ts; on Node 20 it would switch in process).
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

/**
 * When the snapshot is built: evaluates the modules that the commands load on
 * demand for `run` and `call`, so that the snapshot holds them evaluated (and
 * the Node modules they load, compiled). Not commander and the command
 * definitions (commander loads node:child_process, which Node does not support
 * in a snapshot), not chalk (it reads the terminal's color support when it is
 * evaluated), and not wabt (only .wat input needs it). None of these reads
 * the environment, the machine or the terminal when evaluated (that happens in
 * functions, at run time): what the build machine has must not be kept.
 */
async function preload(): Promise<void> {
  await Promise.all([
    import('../commands/options.js'),
    import('../commands/invoke.js'),
    import('../commands/relaunch.js'),
    import('../runtime/index.js'),
    import('../runtime/parser/features.js'),
    import('../runtime/engine/machine-code.js'),
  ]);
}

if (startupSnapshot?.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(start);
  void preload().then(warmUp);
} else {
  start();
}
