// Hand-built resolved component types shared by the WIT and .d.ts tests.
import { component, func, instance, T, typeExtern } from './wit-build.js';

// fixtures/components/wit-world.wat, as the component parser will resolve it.
const ENV = 'wasi:cli/environment@0.2.3';
const point = T.record('point', { x: T.s32, 'first-name': T.string });
const color = T.enum('color', ['red', 'green', 'record']);
const log = func({ line: T.string, level: T.u8 });
const tick = func({}, T.result(T.u64, T.string));
export const fixtureWorld = component(
  {
    [ENV]: instance({
      'get-environment': func({}, T.list(T.tuple(T.string, T.string))),
      'initial-cwd': func({}, T.option(T.string)),
    }),
    point: typeExtern(point),
    color: typeExtern(color),
    print: func({ msg: T.string, at: point }, T.option(color)),
    log,
    tick,
  },
  { 'log-it': log, 'tick-it': tick },
);

// A world with an inline interface export holding every kind of named type and a resource,
// a world-level resource, and WIT keywords as names. Its WIT source, for jco:
export const RICH_SOURCE = `package my:app@1.0.0;

world app {
  import host: interface {
    record point { x: s32, y: s32 }
    log: func(msg: string, at: point);
  }
  resource wres {
    constructor();
    get: func() -> u32;
  }
  import getw: func() -> wres;
  export run: func(%type: bool) -> option<list<tuple<u8, char>>>;
  export types: interface {
    enum color { red, green }
    flags perms { read, write }
    variant shape { circle(f64), none, square(u32) }
    type size = u32;
    resource blob {
      constructor(init: list<u8>);
      write: func(bytes: list<u8>);
      merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
    }
    resource empty;
    make: func(s: size, c: color) -> result<_, string>;
    a: func() -> result;
    d: func(f: f32, g: f64, h: s64, i: u64, k: s8, l: u16) -> tuple<perms, shape>;
  }
}
`;

export function richWorld() {
  const hostPoint = T.record('point', { x: T.s32, y: T.s32 });
  const wres = T.resource('wres');
  const blob = T.resource('blob');
  const empty = T.resource('empty');
  const perms = T.flags('perms', ['read', 'write']);
  const shape = T.variant('shape', { circle: T.f64, none: undefined, square: T.u32 });
  const colorT = T.enum('color', ['red', 'green']);
  const size = T.alias('size', T.u32);
  return component(
    {
      host: instance({ point: typeExtern(hostPoint), log: func({ msg: T.string, at: hostPoint }) }),
      wres: typeExtern(wres),
      '[constructor]wres': func({}, T.own(wres)),
      '[method]wres.get': func({ self: T.borrow(wres) }, T.u32),
      getw: func({}, T.own(wres)),
    },
    {
      run: func({ type: T.bool }, T.option(T.list(T.tuple(T.u8, T.char)))),
      types: instance({
        color: typeExtern(colorT),
        perms: typeExtern(perms),
        shape: typeExtern(shape),
        size: typeExtern(size),
        blob: typeExtern(blob),
        '[constructor]blob': func({ init: T.list(T.u8) }, T.own(blob)),
        '[method]blob.write': func({ self: T.borrow(blob), bytes: T.list(T.u8) }),
        '[static]blob.merge': func({ lhs: T.borrow(blob), rhs: T.borrow(blob) }, T.own(blob)),
        empty: typeExtern(empty),
        make: func({ s: size, c: colorT }, T.result(undefined, T.string)),
        a: func({}, T.result()),
        d: func({ f: T.f32, g: T.f64, h: T.s64, i: T.u64, k: T.s8, l: T.u16 }, T.tuple(perms, shape)),
      }),
    },
  );
}
