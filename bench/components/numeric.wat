;; The components bench's numeric guest: `add: func(a: u32, b: u32) -> u32`,
;; `addf: func(a: f64, b: f64) -> f64` and `nop: func()`, lifted with no options, so a
;; call's cost is the glue's. The bench calls the same core functions through our core
;; `Instance` and through V8's own exports to compare. Built at bench time with `jco parse`.
(component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "addf") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
    (func (export "nop")))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
  (func (export "addf") (param "a" f64) (param "b" f64) (result f64) (canon lift (core func $i "addf")))
  (func (export "nop") (canon lift (core func $i "nop"))))
