/**
 * `wasmer-ts cache dir|ls|clean`: where the compiled-module cache lives, what
 * it holds, and emptying it. The cache itself is src/runtime/cache/.
 */
import { Command } from 'commander';
import { formatSize } from './format.js';
import { printJson } from './print.js';

interface CacheFlags {
  cacheDir?: string;
  json?: boolean;
}

async function cacheDirFrom(flags: CacheFlags): Promise<string> {
  if (flags.cacheDir !== undefined) return flags.cacheDir;
  const { defaultCacheDir } = await import('../runtime/cache/index.js');
  return defaultCacheDir(process.env);
}

function withFlags(command: Command): Command {
  return command
    .option('--cache-dir <dir>', 'the cache directory (default: $XDG_CACHE_HOME/wasmer-ts or ~/.cache/wasmer-ts)')
    .option('--json', 'print one JSON document on stdout');
}

const dirCommand = withFlags(
  new Command('dir').description('Print the cache directory and whether machine code can be cached here'),
)
  .addHelpText('after', '\nExamples:\n  $ wasmer-ts cache dir\n  /home/me/.cache/wasmer-ts')
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const { nativeStatus } = await import('../runtime/cache/native.js');
    const status = nativeStatus();
    if (flags.json === true) {
      printJson({ dir, machineCode: status.available, reason: status.reason });
      return;
    }
    process.stdout.write(`${dir}\n`);
    if (!status.available) process.stderr.write(`note: machine code is not cached here: ${status.reason}\n`);
  });

const lsCommand = withFlags(new Command('ls').description('List the cached modules, newest first'))
  .addHelpText(
    'after',
    '\nExamples:\n  $ wasmer-ts cache ls\n  $ wasmer-ts cache ls --json --cache-dir /tmp/wasmer-cache',
  )
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const { ModuleCache } = await import('../runtime/cache/index.js');
    const entries = await new ModuleCache(dir).list();
    if (flags.json === true) {
      printJson({
        dir,
        entries: entries.map((e) => ({
          key: e.key,
          file: e.file,
          size: e.byteLength,
          modified: e.modified.toISOString(),
          wasmSha256: e.wasmSha256,
          wasmSize: e.wasmByteLength,
          machineCodeSize: e.machineCodeByteLength,
          valid: e.valid,
          currentEngine: e.isCurrentEngine,
        })),
      });
      return;
    }
    if (entries.length === 0) {
      process.stdout.write(`no cached modules in ${dir}\n`);
      return;
    }
    let total = 0;
    for (const e of entries) {
      total += e.byteLength;
      const what = e.valid
        ? `wasm ${formatSize(e.wasmByteLength ?? 0)}, machine code ${formatSize(e.machineCodeByteLength ?? 0)}`
        : 'damaged (dropped on next use)';
      const engine = e.isCurrentEngine ? '' : ' [other engine]';
      process.stdout.write(`${e.key.slice(0, 12)}…  ${formatSize(e.byteLength).padStart(9)}  ${what}${engine}\n`);
    }
    process.stdout.write(
      `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${formatSize(total)} in ${dir}\n`,
    );
  });

const cleanCommand = withFlags(new Command('clean').description('Delete every cached module'))
  .addHelpText('after', '\nExamples:\n  $ wasmer-ts cache clean\n  removed 3 entries (1.2 MiB)')
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const { ModuleCache } = await import('../runtime/cache/index.js');
    const { removed, byteLength } = await new ModuleCache(dir).clean();
    if (flags.json === true) printJson({ dir, removed, size: byteLength });
    else process.stdout.write(`removed ${removed} entr${removed === 1 ? 'y' : 'ies'} (${formatSize(byteLength)})\n`);
  });

/** A command whose subcommands inherit what the program gives it (exitOverride, output), so report.ts handles their errors too. */
class CommandGroup extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }
}

export const cacheCommand = new CommandGroup('cache')
  .description('Show, list or empty the compiled-module cache that run and call fill')
  .addHelpText(
    'after',
    `
run and call keep V8's optimized machine code for each module they run, keyed
by the Wasm's SHA-256 and this Node/V8/CPU, so the next run starts fast.
--no-cache turns that off for one command.

Examples:
  $ wasmer-ts cache dir
  $ wasmer-ts cache ls --json
  $ wasmer-ts cache clean`,
  )
  .addCommand(dirCommand)
  .addCommand(lsCommand)
  .addCommand(cleanCommand);
