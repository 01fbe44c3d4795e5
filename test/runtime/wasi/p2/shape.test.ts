// The contract with component instantiation: each interface of wasi:cli/imports (WIT
// 0.2.12) with its functions in lowerCamelCase and its resources as classes in
// UpperCamelCase with their methods, nothing missing and nothing extra.
import { afterEach, describe, expect, it } from 'vitest';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';

const hosts: WasiP2Host[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

/** Per interface: plain function names, and per resource its method names. */
const SHAPE: Record<string, { functions: string[]; resources?: Record<string, string[]> }> = {
  'wasi:cli/environment': { functions: ['getArguments', 'getEnvironment', 'initialCwd'] },
  'wasi:cli/exit': { functions: ['exit', 'exitWithCode'] },
  'wasi:cli/stdin': { functions: ['getStdin'] },
  'wasi:cli/stdout': { functions: ['getStdout'] },
  'wasi:cli/stderr': { functions: ['getStderr'] },
  'wasi:cli/terminal-input': { functions: [], resources: { TerminalInput: [] } },
  'wasi:cli/terminal-output': { functions: [], resources: { TerminalOutput: [] } },
  'wasi:cli/terminal-stdin': { functions: ['getTerminalStdin'] },
  'wasi:cli/terminal-stdout': { functions: ['getTerminalStdout'] },
  'wasi:cli/terminal-stderr': { functions: ['getTerminalStderr'] },
  'wasi:io/error': { functions: [], resources: { Error: ['toDebugString'] } },
  'wasi:io/poll': { functions: ['poll'], resources: { Pollable: ['block', 'ready'] } },
  'wasi:io/streams': {
    functions: [],
    resources: {
      InputStream: ['blockingRead', 'blockingSkip', 'read', 'skip', 'subscribe'],
      OutputStream: [
        'blockingFlush',
        'blockingSplice',
        'blockingWriteAndFlush',
        'blockingWriteZeroesAndFlush',
        'checkWrite',
        'flush',
        'splice',
        'subscribe',
        'write',
        'writeZeroes',
      ],
    },
  },
  'wasi:clocks/monotonic-clock': { functions: ['now', 'resolution', 'subscribeDuration', 'subscribeInstant'] },
  'wasi:clocks/wall-clock': { functions: ['now', 'resolution'] },
  'wasi:random/random': { functions: ['getRandomBytes', 'getRandomU64'] },
  'wasi:random/insecure': { functions: ['getInsecureRandomBytes', 'getInsecureRandomU64'] },
  'wasi:random/insecure-seed': { functions: ['insecureSeed'] },
  'wasi:filesystem/preopens': { functions: ['getDirectories'] },
  'wasi:filesystem/types': {
    functions: ['filesystemErrorCode'],
    resources: {
      Descriptor: [
        'advise',
        'appendViaStream',
        'createDirectoryAt',
        'getFlags',
        'getType',
        'isSameObject',
        'linkAt',
        'metadataHash',
        'metadataHashAt',
        'openAt',
        'read',
        'readDirectory',
        'readViaStream',
        'readlinkAt',
        'removeDirectoryAt',
        'renameAt',
        'setSize',
        'setTimes',
        'setTimesAt',
        'stat',
        'statAt',
        'symlinkAt',
        'sync',
        'syncData',
        'unlinkFileAt',
        'write',
        'writeViaStream',
      ],
      DirectoryEntryStream: ['readDirectoryEntry'],
    },
  },
};

function methodsOf(resource: unknown): string[] {
  const proto = (resource as { prototype: object }).prototype;
  return Object.getOwnPropertyNames(proto)
    .filter((n) => n !== 'constructor' && typeof (proto as Record<string, unknown>)[n] === 'function')
    .sort();
}

describe('the shape of the WASI 0.2 host', () => {
  it('has the functions and resources of each interface, named as the contract says', () => {
    const host = createWasiP2Host();
    hosts.push(host);
    for (const [name, shape] of Object.entries(SHAPE)) {
      const iface = host.imports[name] as Record<string, unknown>;
      expect(iface, name).toBeDefined();
      const functions = Object.keys(iface)
        .filter((k) => !/^[A-Z]/.test(k))
        .sort();
      expect(functions, name).toEqual([...shape.functions].sort());
      for (const f of functions) expect(typeof iface[f], `${name}.${f}`).toBe('function');
      const resources = Object.keys(iface)
        .filter((k) => /^[A-Z]/.test(k))
        .sort();
      expect(resources, name).toEqual(Object.keys(shape.resources ?? {}).sort());
      for (const [r, methods] of Object.entries(shape.resources ?? {})) {
        expect(methodsOf(iface[r]), `${name}.${r}`).toEqual([...methods].sort());
      }
    }
  });

  it('gives every resource that holds something of the host a Symbol.dispose', () => {
    const host = createWasiP2Host();
    hosts.push(host);
    const get = (i: string, r: string) => (host.imports[i] as Record<string, { prototype: object }>)[r]!.prototype;
    for (const [i, r] of [
      ['wasi:io/streams', 'InputStream'],
      ['wasi:io/streams', 'OutputStream'],
      ['wasi:filesystem/types', 'Descriptor'],
    ] as const) {
      expect(typeof (get(i, r) as Record<symbol, unknown>)[Symbol.dispose], `${i}.${r}`).toBe('function');
    }
  });
});
