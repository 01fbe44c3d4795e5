# Runs a WASI command with wasmtime (its Python package, `pip install wasmtime`):
# a contrast for `wasmer-ts run` in bench/suites/big.js. Wasmtime compiles the
# whole module ahead of time with Cranelift, so the bench compiles once and
# keeps the result:
#
#   python wasmtime-wasi.py --compile FILE.wasm OUT.cwasm
#       compile every function and write the precompiled module (timed once)
#   python wasmtime-wasi.py --precompiled OUT.cwasm [--dir HOST::GUEST]... FILE.wasm [ARGS...]
#       load the precompiled module (no compile) and run its _start; argv[0] is FILE.wasm,
#       as in `wasmer-ts run` and node-wasi.mjs; --dir preopens HOST as GUEST
import sys

from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig


def main(argv):
    engine = Engine()
    if argv[0] == "--compile":
        module = Module.from_file(engine, argv[1])
        with open(argv[2], "wb") as out:
            out.write(module.serialize())
        return 0
    if argv[0] != "--precompiled":
        raise SystemExit("usage: wasmtime-wasi.py --compile FILE OUT | --precompiled CWASM [--dir H::G]... FILE [ARGS...]")
    module = Module.deserialize_file(engine, argv[1])
    rest = argv[2:]
    wasi = WasiConfig()
    while len(rest) > 1 and rest[0] == "--dir":
        host, _, guest = rest[1].partition("::")
        wasi.preopen_dir(host, guest or host)
        rest = rest[2:]
    wasi.argv = rest
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    linker = Linker(engine)
    linker.define_wasi()
    store = Store(engine)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
    except ExitTrap as exit_trap:
        return exit_trap.code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
