// Resources through a real guest: a guest-defined `counter` (resource.new/rep/drop, a
// destructor, a JS class for the host's side) and a host-defined `file` (the host's own objects,
// lent and moved), with the handle misuse the spec traps on.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ComponentState,
  liftFunction,
  lowerFunction,
  resourceDrop,
  resourceNew,
  resourceRep,
} from '../../../../src/runtime/component/abi/index.js';
import type { ResourceType, ValType } from '../../../../src/runtime/component/types.js';
import { ArgumentError, CanonicalAbiError } from '../../../../src/runtime/errors.js';
import { expectCode } from '../../../helpers/errors.js';
import { funcType, type Guest, guest } from './guest.js';

const u32: ValType = { kind: 'u32' };
const counter: ResourceType = { kind: 'resource', origin: 'defined', rep: 'i32', name: 'counter', destructor: 0 };
const file: ResourceType = { kind: 'resource', origin: 'abstract', name: 'file' };
const own = (resource: ResourceType): ValType => ({ kind: 'own', resource });
const borrow = (resource: ResourceType): ValType => ({ kind: 'borrow', resource });

class Counter {}

const BODY = `
  (global $dtors (export "dtors") (mut i32) (i32.const 0))
  (global $dropped (export "dropped") (mut i32) (i32.const -1))
  (global $kept (export "kept") (mut i32) (i32.const 0))
  (func (export "new") (param i32) (result i32) (call $cnew (local.get 0)))
  (func (export "get") (param i32) (result i32) (local.get 0))
  (func (export "consume") (param $h i32) (result i32) (local $rep i32)
    (local.set $rep (call $crep (local.get $h)))
    (call $cdrop (local.get $h))
    (local.get $rep))
  (func (export "dtor") (param i32)
    (global.set $dtors (i32.add (global.get $dtors) (i32.const 1)))
    (global.set $dropped (local.get 0)))
  (func (export "rep_of") (param i32) (result i32) (call $crep (local.get 0)))
  (func (export "keep") (param i32) (result i32) (global.set $kept (local.get 0)) (local.get 0))
  (func (export "give") (result i32) (global.get $kept))
  (func (export "peek") (param $h i32) (result i32) (local $r i32)
    (local.set $r (call $read (local.get $h)))
    (call $fdrop (local.get $h))
    (local.get $r))
  (func (export "leak") (param i32) (result i32) (i32.const 0))
  (func (export "drop_kept") (call $fdrop (global.get $kept)))
  (func (export "lend") (param $h i32)
    (global.set $kept (local.get $h))
    (call $lend (local.get $h)))
  (func (export "show") (call $inspect (call $cnew (i32.const 9))))`;

const IMPORTS = `
  (import "canon" "counter-new" (func $cnew (param i32) (result i32)))
  (import "canon" "counter-rep" (func $crep (param i32) (result i32)))
  (import "canon" "counter-drop" (func $cdrop (param i32)))
  (import "canon" "file-drop" (func $fdrop (param i32)))
  (import "host" "read" (func $read (param i32) (result i32)))
  (import "host" "lend" (func $lend (param i32)))
  (import "host" "inspect" (func $inspect (param i32)))`;

interface Host {
  read: (f: unknown) => unknown;
  lend: (f: unknown) => unknown;
  inspect: (c: unknown) => unknown;
}

let g: Guest;
let host: Host;
let fns: Record<string, (...args: unknown[]) => unknown>;

beforeEach(async () => {
  const state = new ComponentState();
  host = { read: () => 0, lend: () => undefined, inspect: () => undefined };
  g = await guest(BODY, {
    state,
    importDecls: IMPORTS,
    imports: (context) => ({
      canon: {
        'counter-new': resourceNew(counter, state),
        'counter-rep': resourceRep(counter, state),
        'counter-drop': resourceDrop(counter, state),
        'file-drop': resourceDrop(file, state),
      },
      host: {
        read: lowerFunction(funcType([borrow(file)], u32), (f) => host.read(f), context(), 'read'),
        lend: lowerFunction(funcType([borrow(file)], undefined), (f) => host.lend(f), context(), 'lend'),
        inspect: lowerFunction(funcType([borrow(counter)], undefined), (c) => host.inspect(c), context(), 'inspect'),
      },
    }),
  });
  state.bindResource(counter, {
    create: () => new Counter(),
    destructor: () => g.exports.dtor as (rep: number) => void,
  });
  const lift = (name: string, params: ValType[], result: ValType | undefined) =>
    liftFunction(funcType(params, result), g.exports[name] as () => unknown, g.context(), name);
  fns = {
    new: lift('new', [u32], own(counter)),
    get: lift('get', [borrow(counter)], u32),
    consume: lift('consume', [own(counter)], u32),
    keep: lift('keep', [own(file)], u32),
    give: lift('give', [], own(file)),
    peek: lift('peek', [borrow(file)], u32),
    leak: lift('leak', [borrow(file)], u32),
    dropKept: lift('drop_kept', [], undefined),
    lend: lift('lend', [own(file)], undefined),
    show: lift('show', [], undefined),
  };
});

describe('guest-defined resources', () => {
  it('lifts an own as an object of the bound class, borrows it back as the rep, and moves it', () => {
    const c = fns.new?.(5);
    expect(c).toBeInstanceOf(Counter);
    // Ownership left the guest's table with the lifted own.
    expect(g.state.handleCount).toBe(0);
    expect(fns.get?.(c)).toBe(5);
    expect(fns.get?.(c)).toBe(5);
    expect(fns.consume?.(c)).toBe(5);
    expect([g.global('dtors'), g.global('dropped')]).toEqual([1, 5]);
    const moved = expectCode(() => fns.get?.(c), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(moved.message).toContain('resource "counter"');
  });

  it('runs the destructor when the host drops what it owns, once', () => {
    const c = fns.new?.(7);
    g.state.dropResource(c);
    expect([g.global('dtors'), g.global('dropped')]).toEqual([1, 7]);
    expectCode(() => g.state.dropResource(c), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expectCode(() => fns.get?.(c), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(g.global('dtors')).toBe(1);
    expectCode(() => g.state.dropResource({}), ArgumentError, 'ERR_ARG_TYPE');
  });

  it('traps when the host drops a resource while the guest is running', () => {
    const c = fns.new?.(3);
    host.inspect = () => g.state.dropResource(c);
    expectCode(() => fns.show?.(), CanonicalAbiError, 'ERR_CANON_REENTRANCE');
    expect(g.global('dtors')).toBe(0);
    // The failed drop left it the host's: dropping it later runs the destructor.
    expect(fns.get?.(c)).toBe(3);
    g.state.dropResource(c);
    expect([g.global('dtors'), g.global('dropped')]).toEqual([1, 3]);
  });

  it('refuses an object that is not of the resource', () => {
    const error = expectCode(() => fns.get?.({}), ArgumentError, 'ERR_ARG_TYPE');
    expect(error.message).toBe(
      'get parameter "p0" must be a resource "counter" resource object, got an object (Object)',
    );
    expectCode(() => fns.consume?.(undefined), ArgumentError, 'ERR_ARG_TYPE');
  });

  it('lends a borrowed object for the length of a host call only', () => {
    let seen: unknown;
    host.inspect = (c) => {
      seen = c;
    };
    fns.show?.();
    expect(seen).toBeInstanceOf(Counter);
    const error = expectCode(() => fns.get?.(seen), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(error.message).toContain('returned');
    expectCode(() => fns.consume?.(seen), CanonicalAbiError, 'ERR_CANON_HANDLE');
  });
});

describe('host-defined resources', () => {
  it('moves a host object into the guest and back as the same object', () => {
    const f = { name: 'a.txt' };
    const h = fns.keep?.(f);
    expect(h).toBeGreaterThan(0);
    expect(g.state.handleCount).toBe(1);
    expect(fns.give?.()).toBe(f);
    expect(g.state.handleCount).toBe(0);
    const gone = expectCode(() => fns.give?.(), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(gone.message).toContain(`handle ${h} is not in the handle table`);
  });

  it('lends a borrow to the guest, which passes it on to the host and drops it', () => {
    const f = { name: 'b.txt' };
    host.read = (x) => (x === f ? 3 : 99);
    expect(fns.peek?.(f)).toBe(3);
    expect(g.state.handleCount).toBe(0);
  });

  it('traps when the guest returns still holding a borrow', () => {
    const error = expectCode(() => fns.leak?.({}), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(error.message).toContain('leak: returned while still holding 1 borrowed handle');
  });

  it("calls the object's Symbol.dispose when the guest drops its own", () => {
    let disposed = 0;
    const dispose = (Symbol as { dispose?: symbol }).dispose as symbol;
    const f = {
      [dispose]() {
        disposed++;
      },
    };
    fns.keep?.(f);
    fns.dropKept?.();
    expect(disposed).toBe(1);
    expect(g.state.handleCount).toBe(0);
    expectCode(() => fns.dropKept?.(), CanonicalAbiError, 'ERR_CANON_HANDLE');
  });

  it('traps when a lent own is dropped or moved while the call runs', () => {
    host.lend = () => (g.exports.drop_kept as () => void)();
    const error = expectCode(() => fns.lend?.({}), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(error.message).toContain('lent out to 1 call(s)');
    host.lend = () => fns.give?.();
    // give re-enters the component: the spec forbids it before the handle is even looked at.
    expectCode(() => fns.lend?.({}), CanonicalAbiError, 'ERR_CANON_REENTRANCE');
  });

  it('traps on handles of the wrong type and handles not in the table', () => {
    const h = fns.keep?.({}) as number;
    const repOf = g.exports.rep_of as (h: number) => number;
    const wrong = expectCode(() => repOf(h), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expect(wrong.message).toBe(
      `trap: resource.rep of resource "counter": handle ${h} is a resource "file", not a resource "counter"`,
    );
    expectCode(() => repOf(99), CanonicalAbiError, 'ERR_CANON_HANDLE');
    expectCode(() => repOf(0), CanonicalAbiError, 'ERR_CANON_HANDLE');
  });
});
