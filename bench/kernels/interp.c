// A small stack-machine bytecode interpreter (switch dispatch) running a
// program that computes a sum of Collatz path lengths; prints the result.
#include <stdint.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, MUL, DIV2, AND1, JZ, JNZ, JMP, LT, EQ, HALT };

typedef struct {
  uint8_t op;
  int32_t arg;
} Insn;

static int64_t run(const Insn *code, int64_t *vars) {
  int64_t stack[64];
  int sp = 0;
  int pc = 0;
  for (;;) {
    Insn in = code[pc++];
    switch (in.op) {
      case PUSH: stack[sp++] = in.arg; break;
      case LOAD: stack[sp++] = vars[in.arg]; break;
      case STORE: vars[in.arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DIV2: stack[sp - 1] >>= 1; break;
      case AND1: stack[sp - 1] &= 1; break;
      case JZ: if (stack[--sp] == 0) pc = in.arg; break;
      case JNZ: if (stack[--sp] != 0) pc = in.arg; break;
      case JMP: pc = in.arg; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case HALT: return vars[0];
    }
  }
}

int main(void) {
  // vars: 0 total, 1 i, 2 n, 3 limit.
  // total = 0; for (i = 1; i < limit; i++) for (n = i; n != 1; total++) n = n & 1 ? 3n + 1 : n / 2;
  const Insn program[] = {
      /* 0 */ {PUSH, 1}, {STORE, 1},
      /* 2 loop_i */ {LOAD, 1}, {LOAD, 3}, {LT, 0}, {JZ, 34},
      /* 6 */ {LOAD, 1}, {STORE, 2},
      /* 8 loop_n */ {LOAD, 2}, {PUSH, 1}, {EQ, 0}, {JNZ, 29},
      /* 12 */ {LOAD, 2}, {AND1, 0}, {JZ, 21},
      /* 15 odd */ {LOAD, 2}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {JMP, 23},
      /* 21 even */ {LOAD, 2}, {DIV2, 0},
      /* 23 */ {STORE, 2},
      /* 24 */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 8},
      /* 29 next_i */ {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1}, {JMP, 2},
      /* 34 */ {HALT, 0},
  };
  int64_t vars[4] = {0, 0, 0, 450000};
  int64_t total = run(program, vars);
  printf("interp %lld\n", (long long)total);
  return 0;
}
