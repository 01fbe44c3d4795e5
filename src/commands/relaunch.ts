/**
 * Runs the command again in a Node started with the V8 flags its module wants,
 * when the launcher (the shell part of bin/wasmer-ts.js) guessed them wrong.
 *
 * The launcher cannot read a module before Node starts, so it starts every
 * `run` and `call` for TurboFan (`--no-liftoff`). A module with more code than
 * `auto` compiles with TurboFan (tiering.ts: about 1 MiB) wants V8's defaults,
 * and an artifact the eager flags its machine code was made under: such a
 * command runs once more, as a child with the right flags. It costs one Node
 * start-up (20-45 ms), against seconds of lazy TurboFan compiles for a big
 * module or a full recompile of an artifact. Nothing else is relaunched: not a
 * module read from stdin (its bytes are gone), not a second time, and not
 * `node bin/wasmer-ts.js ...`, which runs under the flags node was given.
 */
import { isArtifact } from '../runtime/engine/artifact.js';
import { codeSectionSize } from '../runtime/engine/module-facts.js';
import { launchScript } from '../runtime/engine/paths.js';
import {
  type CompileMode,
  type CompilerChoice,
  isTierFlag,
  processCompileMode,
  resolveTier,
  v8FlagsFor,
} from '../runtime/engine/tiering.js';

/** Set by the launcher to `1`; a relaunched child gets `2` and never relaunches. */
const LAUNCHER_ENV = 'WASMER_TS_LAUNCHER';

/** The compile mode an input wants under `choice`, or null when the bytes do not say (text, damaged). */
export function wantedCompileMode(bytes: Uint8Array, choice: CompilerChoice): CompileMode | null {
  // Whatever the input (text too: the standalone executable has no launcher to have chosen the defaults).
  if (choice === 'baseline') return 'baseline';
  if (isArtifact(bytes)) return 'eager';
  const codeByteLength = codeSectionSize(bytes);
  if (codeByteLength === null) return null;
  return resolveTier(choice, { byteLength: bytes.byteLength, isWasiCommand: false, codeByteLength });
}

/**
 * When this process was started by the launcher with other flags than `bytes`
 * wants, runs the same command in a child with the right ones and returns its
 * exit status (the caller sets it and does nothing else); otherwise null.
 * Signals that end a command are passed on to the child while it runs.
 */
export async function relaunchIfNeeded(
  bytes: Uint8Array,
  choice: CompilerChoice,
  fromStdin: boolean,
): Promise<number | null> {
  if (process.env[LAUNCHER_ENV] !== '1' || fromStdin) return null;
  const wanted = wantedCompileMode(bytes, choice);
  if (wanted === null || wanted === processCompileMode()) return null;
  if (process.argv[1] === undefined) return null;
  // --wasm-inlining was added by the entry for the tier it was started for (bin/wasmer-ts.js); it decides again.
  const execArgv = [
    ...process.execArgv.filter((f) => !isTierFlag(f) && f !== '--wasm-inlining'),
    ...v8FlagsFor(wanted),
  ];
  const launch = launchScript(null, execArgv, process.argv.slice(2));
  // Loaded only here: child_process costs start-up time, and most runs never relaunch.
  const { spawn } = await import('node:child_process');
  const child = spawn(launch.command, launch.args, {
    stdio: 'inherit',
    env: { ...process.env, ...launch.env, [LAUNCHER_ENV]: '2' },
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      // A child ended by a signal: end this process the same way, so the caller sees it.
      if (signal !== null) process.kill(process.pid, signal);
      resolve(code ?? 128);
    });
  });
}
