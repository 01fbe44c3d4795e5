/**
 * `wasmer-ts cache dir|ls|prune|clean`: where the compiled-module cache lives,
 * what it holds, trimming it to its size limit, and emptying it. The cache
 * itself is src/runtime/engine/cache/.
 */
import { basename } from 'node:path';
import { Command } from 'commander';
import type { CacheEntry } from '../runtime/engine/cache/index.js';
import { formatSize, printable } from './format.js';
import { addCacheSizeOption, CACHE_SIZE_ENV, cacheMaxBytesFrom } from './options.js';
import { printJson } from './output.js';
import { printErr, printOut } from './print.js';

interface CacheFlags {
  cacheDir?: string;
  cacheMaxSize?: number;
  json?: boolean;
}

async function cacheDirFrom(flags: CacheFlags): Promise<string> {
  if (flags.cacheDir !== undefined) return flags.cacheDir;
  const { defaultCacheDir } = await import('../runtime/engine/cache/index.js');
  return defaultCacheDir(process.env);
}

/** The size limit in force: --cache-max-size, else $WASMER_TS_CACHE_MAX_SIZE, else the default. */
async function maxBytesFrom(flags: CacheFlags): Promise<number> {
  const { DEFAULT_CACHE_MAX_BYTES } = await import('../runtime/engine/cache/index.js');
  return cacheMaxBytesFrom(flags.cacheMaxSize, process.env) ?? DEFAULT_CACHE_MAX_BYTES;
}

function withFlags(command: Command): Command {
  return command
    .option('--cache-dir <dir>', 'the cache directory (default: $XDG_CACHE_HOME/wasmer-ts or ~/.cache/wasmer-ts)')
    .option('--json', 'print one JSON document on stdout');
}

const dirCommand = withFlags(
  new Command('dir').description(
    'Print the cache directory; a note on stderr says when machine code cannot be cached here (--json: both, and the engine keys)',
  ),
)
  .addHelpText(
    'after',
    `
Stdout holds the directory alone, for scripts: $(wasmer-ts cache dir).

Examples:
  $ wasmer-ts cache dir
  /home/me/.cache/wasmer-ts
  $ WASMER_TS_NATIVE=0 wasmer-ts cache dir
  /home/me/.cache/wasmer-ts
  note: machine code is not cached here: disabled by WASMER_TS_NATIVE=0
  $ wasmer-ts cache dir --json
  { "dir": "/home/me/.cache/wasmer-ts", "machineCode": true, "reason": null, "engineKeys": { ... } }`,
  )
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const { nativeStatus } = await import('../runtime/engine/native.js');
    const status = nativeStatus();
    if (flags.json === true) {
      // Entries are named <wasm blake3>-<engine key>.wasmu, one key per compile mode (README, Performance).
      const { engineKeysByMode } = await import('../runtime/engine/cache/index.js');
      printJson({ dir, machineCode: status.available, reason: status.reason, engineKeys: engineKeysByMode() });
      return;
    }
    printOut(`${dir}\n`);
    if (!status.available) printErr(`note: machine code is not cached here: ${status.reason}\n`);
  });

/** `2026-12-01 09:40`, local time. */
function formatWhen(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `TurboFan 2 of 3 functions, 3.0 KiB`: what V8 serialized (it serializes only TurboFan code). */
function formatMachineCode(e: CacheEntry): string {
  if (!e.valid) return `damaged: ${e.problem ?? 'unreadable'}`;
  const summary = e.machineCode;
  if (summary === null) return `TurboFan, ${formatSize(e.machineCodeByteLength ?? 0)} (function counts unknown)`;
  const count = (n: number) => n.toLocaleString('en-US');
  return `TurboFan ${count(summary.turbofan)} of ${count(summary.functions)} functions, ${formatSize(summary.codeBytes)}`;
}

/** `clang (clang.wasm, 1a2b3c4d5e6f)`: the name section's name, else the file it ran as; the hash's start. */
function formatModule(e: CacheEntry): string {
  const file = e.source === null ? null : basename(e.source);
  const name = e.moduleName ?? file ?? 'unnamed';
  const details = [...(e.moduleName !== null && file !== null ? [file] : []), e.key.slice(0, 12)];
  return `${printable(name)} (${details.map(printable).join(', ')})${e.isCurrentEngine ? '' : ' [other engine]'}`;
}

function entryJson(e: CacheEntry) {
  return {
    key: e.key,
    file: e.file,
    size: e.byteLength,
    lastUsed: e.lastUsed.toISOString(),
    modified: e.modified.toISOString(),
    moduleName: e.moduleName,
    source: e.source,
    wasmHash: e.wasmHash,
    wasmSize: e.wasmByteLength,
    wasmIncluded: e.hasWasm,
    machineCodeSize: e.machineCodeByteLength,
    machineCode:
      e.machineCode === null
        ? null
        : {
            tier: 'turbofan',
            functions: e.machineCode.functions,
            turbofanFunctions: e.machineCode.turbofan,
            liftoffOnlyFunctions: e.machineCode.liftoff,
            codeSize: e.machineCode.codeBytes,
          },
    valid: e.valid,
    problem: e.problem,
    currentEngine: e.isCurrentEngine,
  };
}

const lsCommand = addCacheSizeOption(
  withFlags(new Command('ls').description('List the cached modules, most recently used first')),
)
  .addHelpText(
    'after',
    `
Each line: when the entry was last used, its size, the machine code V8 saved
(TurboFan code for how many of the module's functions: after a run, the ones
that got hot; after \`compile\`, all), and the module (the name section's name,
else the file it ran as, and the start of its BLAKE3 hash). The last line counts
the checked parses of components that run and call keep beside them too.

Examples:
  $ wasmer-ts cache ls
  $ wasmer-ts cache ls --json --cache-dir /tmp/wasmer-cache`,
  )
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const maxBytes = await maxBytesFrom(flags);
    const { ModuleCache } = await import('../runtime/engine/cache/index.js');
    const cache = new ModuleCache(dir);
    const entries = await cache.list();
    // Components' parses share the limit: counted in the total, listed as one line.
    const parses = await cache.parses();
    const total = entries.reduce((n, e) => n + e.byteLength, 0) + parses.byteLength;
    if (flags.json === true) {
      const componentParses = { count: parses.count, size: parses.byteLength };
      printJson({ dir, maxSize: maxBytes, size: total, entries: entries.map(entryJson), componentParses });
      return;
    }
    if (entries.length === 0 && parses.count === 0) {
      printOut(`no cached modules in ${dir}\n`);
      return;
    }
    const rows = entries.map((e) => [
      formatWhen(e.lastUsed),
      formatSize(e.byteLength),
      formatMachineCode(e),
      formatModule(e),
    ]);
    const header = ['last used', 'size', 'machine code', 'module'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    for (const row of [header, ...rows]) {
      const cells = row.map((cell, i) =>
        i === 1 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      );
      printOut(`${cells.join('  ').trimEnd()}\n`);
    }
    const count = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
    const plus =
      parses.count === 0
        ? ''
        : ` and ${parses.count} component parse${parses.count === 1 ? '' : 's'} (${formatSize(parses.byteLength)})`;
    printOut(`${count}${plus}, ${formatSize(total)} of the ${formatSize(maxBytes)} limit in ${dir}\n`);
  });

const pruneCommand = addCacheSizeOption(
  withFlags(new Command('prune').description('Delete least recently used entries until the cache fits its size limit')),
)
  .addHelpText(
    'after',
    `
run and call do this after each entry they write; prune applies a new, lower
limit at once.

Examples:
  $ wasmer-ts cache prune --cache-max-size 500MiB
  removed 3 entries (1.2 GiB); 480 MiB left of the 500 MiB limit`,
  )
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const maxBytes = await maxBytesFrom(flags);
    const { ModuleCache } = await import('../runtime/engine/cache/index.js');
    const cache = new ModuleCache(dir, { maxBytes });
    const { removed, byteLength } = await cache.evict();
    const left = (await cache.list()).reduce((n, e) => n + e.byteLength, 0) + (await cache.parses()).byteLength;
    if (flags.json === true) {
      printJson({ dir, removed, size: byteLength, left, maxSize: maxBytes });
      return;
    }
    printOut(
      `removed ${removed} entr${removed === 1 ? 'y' : 'ies'} (${formatSize(byteLength)}); ${formatSize(left)} left of the ${formatSize(maxBytes)} limit\n`,
    );
  });

const cleanCommand = withFlags(new Command('clean').description('Delete every cached module'))
  .addHelpText('after', '\nExamples:\n  $ wasmer-ts cache clean\n  removed 3 entries (1.2 MiB)')
  .action(async (flags: CacheFlags) => {
    const dir = await cacheDirFrom(flags);
    const { ModuleCache } = await import('../runtime/engine/cache/index.js');
    const { removed, byteLength } = await new ModuleCache(dir).clean();
    if (flags.json === true) printJson({ dir, removed, size: byteLength });
    else printOut(`removed ${removed} entr${removed === 1 ? 'y' : 'ies'} (${formatSize(byteLength)})\n`);
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
  .description('Show, list, trim or empty the compiled-module cache that run and call fill')
  .addHelpText(
    'after',
    `
run and call keep V8's optimized machine code for each module they run, keyed
by the Wasm's BLAKE3 hash and this Node/V8/CPU, so the next run starts fast.
--no-cache turns that off for one command. The cache keeps to a size
limit (--cache-max-size, else $${CACHE_SIZE_ENV}, else 2GiB)
by deleting the least recently used entries.

Examples:
  $ wasmer-ts cache dir
  $ wasmer-ts cache ls --json
  $ wasmer-ts cache prune --cache-max-size 1GiB
  $ wasmer-ts cache clean`,
  )
  .addCommand(dirCommand)
  .addCommand(lsCommand)
  .addCommand(pruneCommand)
  .addCommand(cleanCommand);
