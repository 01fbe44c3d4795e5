import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { printWit } from '../../../src/runtime/component/wit.js';
import { hasJco, jcoWit, jcoWorldOf } from './jco.js';
import { component, func, instance, T, typeExtern } from './wit-build.js';
import { fixtureWorld, RICH_SOURCE, richWorld } from './wit-worlds.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/components/wit-world.wasm', import.meta.url));

/** The text before the nested package blocks, which jco's printer leaves out. */
function worldPart(wit: string): string {
  const at = wit.indexOf('\n\npackage ');
  return at < 0 ? wit : `${wit.slice(0, at)}\n`;
}

const FIXTURE_WIT = `package root:component;

world root {
  import wasi:cli/environment@0.2.3;

  record point {
    x: s32,
    first-name: string,
  }

  enum color {
    red,
    green,
    %record,
  }
  import print: func(msg: string, at: point) -> option<color>;
  import log: func(line: string, level: u8);
  import tick: func() -> result<u64, string>;

  export log-it: func(line: string, level: u8);
  export tick-it: func() -> result<u64, string>;
}

package wasi:cli@0.2.3 {
  interface environment {
    get-environment: func() -> list<tuple<string, string>>;

    initial-cwd: func() -> option<string>;
  }
}
`;

const RICH_WIT = `package root:component;

world root {
  import host: interface {
    record point {
      x: s32,
      y: s32,
    }

    log: func(msg: string, at: point);
  }

  resource wres {
    constructor();
    get: func() -> u32;
  }
  import getw: func() -> wres;

  export run: func(%type: bool) -> option<list<tuple<u8, char>>>;
  export types: interface {
    enum color {
      red,
      green,
    }

    flags perms {
      read,
      write,
    }

    variant shape {
      circle(f64),
      none,
      square(u32),
    }

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

describe('printWit', () => {
  it('prints a world: interface imports, then types, then functions; exported functions, then interfaces', () => {
    expect(printWit(fixtureWorld)).toBe(FIXTURE_WIT);
  });

  it.skipIf(!hasJco)('prints the world of fixtures/components/wit-world.wasm as jco wit does (needs jco)', () => {
    expect(worldPart(printWit(fixtureWorld))).toBe(jcoWit(FIXTURE));
  });

  it('prints resources with constructors, methods and statics, every named type kind, and keywords with %', () => {
    expect(printWit(richWorld())).toBe(RICH_WIT);
  });

  it.skipIf(!hasJco)('prints the rich world as jco prints the same world built from WIT (needs jco)', async () => {
    expect(printWit(richWorld())).toBe(await jcoWorldOf(RICH_SOURCE, 'app'));
  });

  it('names the package and world as asked', () => {
    const text = printWit(component({}, { f: func({}) }), { packageName: 'my:pkg@1.0.0', worldName: 'use' });
    expect(text).toBe('package my:pkg@1.0.0;\n\nworld %use {\n  export f: func();\n}\n');
  });

  it('prints interfaces named by their full name in nested packages, with use for types of other interfaces', () => {
    const types = 'my:app/types@1.0.0';
    const uses = 'my:app/uses@1.0.0';
    const pt = T.record('point', { x: T.u8 }, types);
    const file = T.resource('file', types);
    const typesInstance = instance({ point: typeExtern(pt), file: typeExtern(file) });
    const usesInstance = instance({
      point: typeExtern(pt),
      f: typeExtern(file),
      get: func({ p: pt }, T.own(file)),
    });
    const world = component(
      { [types]: typesInstance, [uses]: usesInstance, top: func({ p: pt }) },
      { [uses]: usesInstance, z: func({}, pt) },
    );
    expect(printWit(world)).toBe(`package root:component;

world root {
  import my:app/types@1.0.0;
  import my:app/uses@1.0.0;
  use my:app/types@1.0.0.{point};
  import top: func(p: point);

  export z: func() -> point;
  export my:app/uses@1.0.0;
}

package my:app@1.0.0 {
  interface types {
    record point {
      x: u8,
    }

    resource file;
  }

  interface uses {
    use types.{point, file as f};

    get: func(p: point) -> f;
  }
}
`);
  });

  it('writes async functions, fixed-length lists, streams and futures, and comments for what WIT cannot say', () => {
    const world = component(
      { m: { kind: 'module', imports: [], exports: [] } },
      {
        go: {
          ...func({ s: { kind: 'stream', element: T.u8 } }, { kind: 'future', element: undefined }),
          isAsync: true,
        },
        fixed: func({ v: T.list(T.f32, 4) }),
      },
    );
    expect(printWit(world)).toBe(`package root:component;

world root {
  // import "m": module (WIT cannot express it)

  export go: async func(s: stream<u8>) -> future;
  export fixed: func(v: list<f32, 4>);
}
`);
  });
});
