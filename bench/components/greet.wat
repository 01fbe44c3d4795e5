;; The components bench's guest: `greet: func(name: string) -> string` returns
;; "Hello, NAME!". A bump allocator is the realloc; post-return resets it, so every
;; call starts from the same heap. Built at bench time with `jco parse`.
(component
  (core module $m
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (data (i32.const 0) "Hello, ")
    (func $realloc (export "realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $p i32)
      ;; align up
      (local.set $p
        (i32.and
          (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
        (then (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))))
      (local.get $p))
    ;; greet(ptr, len) -> pointer to (ptr, len) of the answer
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $ret i32) (local $n i32)
      (local.set $n (i32.add (local.get $len) (i32.const 8)))
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $ptr) (local.get $len))
      (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33))
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
      (i32.store (local.get $ret) (local.get $out))
      (i32.store offset=4 (local.get $ret) (local.get $n))
      (local.get $ret))
    (func (export "greet-post") (param i32)
      (global.set $heap (i32.const 1024))))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc) string-encoding=utf8
      (post-return (core func $i "greet-post"))))
  (export "greet" (func $greet)))
