import { afterEach, describe, expect, it } from 'vitest';
import { ResultError } from '../../../../src/runtime/errors.js';
import { createWasiP2Host, type WasiP2Host } from '../../../../src/runtime/wasi/p2/host.js';
import { Pollable } from '../../../../src/runtime/wasi/p2/poll.js';
import { errorOf } from './helpers.js';

const hosts: WasiP2Host[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

type Fn = (...args: unknown[]) => unknown;
type Ctor = new () => Record<string, Fn>;

function sockets(): Record<string, Record<string, unknown>> {
  const host = createWasiP2Host();
  hosts.push(host);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(host.imports)) {
    if (key.startsWith('wasi:sockets/')) out[key.slice('wasi:sockets/'.length)] = value as Record<string, unknown>;
  }
  return out;
}

/** The methods of each socket resource (WIT 0.2.12) whose result type is `result<_, error-code>`. */
const DENIED_METHODS: Record<string, readonly string[]> = {
  'tcp.TcpSocket': [
    'startBind',
    'finishBind',
    'startConnect',
    'finishConnect',
    'startListen',
    'finishListen',
    'accept',
    'localAddress',
    'remoteAddress',
    'setListenBacklogSize',
    'keepAliveEnabled',
    'setKeepAliveEnabled',
    'keepAliveIdleTime',
    'setKeepAliveIdleTime',
    'keepAliveInterval',
    'setKeepAliveInterval',
    'keepAliveCount',
    'setKeepAliveCount',
    'hopLimit',
    'setHopLimit',
    'receiveBufferSize',
    'setReceiveBufferSize',
    'sendBufferSize',
    'setSendBufferSize',
    'shutdown',
  ],
  'udp.UdpSocket': [
    'startBind',
    'finishBind',
    'stream',
    'localAddress',
    'remoteAddress',
    'unicastHopLimit',
    'setUnicastHopLimit',
    'receiveBufferSize',
    'setReceiveBufferSize',
    'sendBufferSize',
    'setSendBufferSize',
  ],
  'udp.IncomingDatagramStream': ['receive'],
  'udp.OutgoingDatagramStream': ['checkSend', 'send'],
  'ip-name-lookup.ResolveAddressStream': ['resolveNextAddress'],
};

describe('wasi:sockets', () => {
  it('denies creating sockets and resolving names with access-denied', () => {
    const s = sockets();
    const network = (s['instance-network']!.instanceNetwork as Fn)();
    expect(network).toBeInstanceOf(s.network!.Network as Ctor);
    expect(errorOf(() => (s['tcp-create-socket']!.createTcpSocket as Fn)('ipv4'))).toBe('access-denied');
    expect(errorOf(() => (s['tcp-create-socket']!.createTcpSocket as Fn)('ipv6'))).toBe('access-denied');
    expect(errorOf(() => (s['udp-create-socket']!.createUdpSocket as Fn)('ipv4'))).toBe('access-denied');
    expect(errorOf(() => (s['ip-name-lookup']!.resolveAddresses as Fn)(network, 'localhost'))).toBe('access-denied');
    expect((s.network!.networkErrorCode as Fn)({})).toBeUndefined();
  });

  it('has every method of the socket resources, each denied the same way', () => {
    const s = sockets();
    for (const [where, methods] of Object.entries(DENIED_METHODS)) {
      const [iface, name] = where.split('.') as [string, string];
      const Resource = s[iface]![name] as Ctor;
      const resource = new Resource();
      for (const method of methods) {
        expect(typeof resource[method], `${where}.${method}`).toBe('function');
        expect(() => resource[method]!()).toThrow(ResultError);
        expect(
          errorOf(() => resource[method]!()),
          `${where}.${method}`,
        ).toBe('access-denied');
      }
      expect(resource.subscribe!()).toBeInstanceOf(Pollable);
    }
    const tcp = new (s.tcp!.TcpSocket as Ctor)();
    expect(tcp.isListening!()).toBe(false);
    expect(tcp.addressFamily!()).toBe('ipv4');
  });
});
