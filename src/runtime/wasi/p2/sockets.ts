/**
 * `wasi:sockets/*`: present, so that a component importing them links, with every
 * operation denied: creating a socket, and resolving a name, fail with the
 * `access-denied` error-code (as a `ResultError`). The guest can reach the network
 * resource (`instance-network`) but no socket, so the socket resources' methods below
 * exist only for the interface to be complete; each is denied the same way, and
 * those without a result say what a socket that never opened would.
 */
import { ResultError } from '../../errors.js';
import { ALWAYS_READY, Pollable } from './poll.js';

/** The one error-code every socket operation gets here. */
export const SOCKETS_DENIED = 'access-denied';

function denied(what: string): never {
  throw new ResultError(
    SOCKETS_DENIED,
    `wasi:sockets: ${what}: access-denied (this host gives the guest no network access)`,
  );
}

/** `network` (wasi:sockets/network): a resource without methods. */
export class Network {}

/** `resolve-address-stream` (wasi:sockets/ip-name-lookup). */
export class ResolveAddressStream {
  resolveNextAddress(): never {
    return denied('resolve-address-stream.resolve-next-address');
  }
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }
}

/** `tcp-socket` (wasi:sockets/tcp). */
export class TcpSocket {
  startBind(): never {
    return denied('tcp-socket.start-bind');
  }
  finishBind(): never {
    return denied('tcp-socket.finish-bind');
  }
  startConnect(): never {
    return denied('tcp-socket.start-connect');
  }
  finishConnect(): never {
    return denied('tcp-socket.finish-connect');
  }
  startListen(): never {
    return denied('tcp-socket.start-listen');
  }
  finishListen(): never {
    return denied('tcp-socket.finish-listen');
  }
  accept(): never {
    return denied('tcp-socket.accept');
  }
  localAddress(): never {
    return denied('tcp-socket.local-address');
  }
  remoteAddress(): never {
    return denied('tcp-socket.remote-address');
  }
  setListenBacklogSize(): never {
    return denied('tcp-socket.set-listen-backlog-size');
  }
  keepAliveEnabled(): never {
    return denied('tcp-socket.keep-alive-enabled');
  }
  setKeepAliveEnabled(): never {
    return denied('tcp-socket.set-keep-alive-enabled');
  }
  keepAliveIdleTime(): never {
    return denied('tcp-socket.keep-alive-idle-time');
  }
  setKeepAliveIdleTime(): never {
    return denied('tcp-socket.set-keep-alive-idle-time');
  }
  keepAliveInterval(): never {
    return denied('tcp-socket.keep-alive-interval');
  }
  setKeepAliveInterval(): never {
    return denied('tcp-socket.set-keep-alive-interval');
  }
  keepAliveCount(): never {
    return denied('tcp-socket.keep-alive-count');
  }
  setKeepAliveCount(): never {
    return denied('tcp-socket.set-keep-alive-count');
  }
  hopLimit(): never {
    return denied('tcp-socket.hop-limit');
  }
  setHopLimit(): never {
    return denied('tcp-socket.set-hop-limit');
  }
  receiveBufferSize(): never {
    return denied('tcp-socket.receive-buffer-size');
  }
  setReceiveBufferSize(): never {
    return denied('tcp-socket.set-receive-buffer-size');
  }
  sendBufferSize(): never {
    return denied('tcp-socket.send-buffer-size');
  }
  setSendBufferSize(): never {
    return denied('tcp-socket.set-send-buffer-size');
  }
  shutdown(): never {
    return denied('tcp-socket.shutdown');
  }
  isListening(): boolean {
    return false;
  }
  addressFamily(): 'ipv4' {
    return 'ipv4';
  }
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }
}

/** `udp-socket` (wasi:sockets/udp). */
export class UdpSocket {
  startBind(): never {
    return denied('udp-socket.start-bind');
  }
  finishBind(): never {
    return denied('udp-socket.finish-bind');
  }
  stream(): never {
    return denied('udp-socket.stream');
  }
  localAddress(): never {
    return denied('udp-socket.local-address');
  }
  remoteAddress(): never {
    return denied('udp-socket.remote-address');
  }
  unicastHopLimit(): never {
    return denied('udp-socket.unicast-hop-limit');
  }
  setUnicastHopLimit(): never {
    return denied('udp-socket.set-unicast-hop-limit');
  }
  receiveBufferSize(): never {
    return denied('udp-socket.receive-buffer-size');
  }
  setReceiveBufferSize(): never {
    return denied('udp-socket.set-receive-buffer-size');
  }
  sendBufferSize(): never {
    return denied('udp-socket.send-buffer-size');
  }
  setSendBufferSize(): never {
    return denied('udp-socket.set-send-buffer-size');
  }
  addressFamily(): 'ipv4' {
    return 'ipv4';
  }
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }
}

/** `incoming-datagram-stream` (wasi:sockets/udp). */
export class IncomingDatagramStream {
  receive(): never {
    return denied('incoming-datagram-stream.receive');
  }
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }
}

/** `outgoing-datagram-stream` (wasi:sockets/udp). */
export class OutgoingDatagramStream {
  checkSend(): never {
    return denied('outgoing-datagram-stream.check-send');
  }
  send(): never {
    return denied('outgoing-datagram-stream.send');
  }
  subscribe(): Pollable {
    return new Pollable(ALWAYS_READY);
  }
}

/** The `wasi:sockets/*` interfaces. */
export function socketInterfaces(): Record<string, object> {
  return {
    'wasi:sockets/network': {
      Network,
      /** `network-error-code(err: borrow<error>) -> option<error-code>`: no stream error here comes from a socket. */
      networkErrorCode: (): undefined => undefined,
    },
    'wasi:sockets/instance-network': { instanceNetwork: (): Network => new Network() },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: (): never => denied('create-tcp-socket') },
    'wasi:sockets/udp-create-socket': { createUdpSocket: (): never => denied('create-udp-socket') },
    'wasi:sockets/ip-name-lookup': {
      ResolveAddressStream,
      resolveAddresses: (): never => denied('resolve-addresses'),
    },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
  };
}
