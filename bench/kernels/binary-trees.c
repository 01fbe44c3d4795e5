// Binary trees: allocate and walk many short-lived perfect binary trees with
// malloc/free, plus one long-lived tree; prints the node counts.
#include <stdio.h>
#include <stdlib.h>

typedef struct Node {
  struct Node *left, *right;
} Node;

static Node *make(int depth) {
  Node *n = malloc(sizeof *n);
  if (depth > 0) {
    n->left = make(depth - 1);
    n->right = make(depth - 1);
  } else {
    n->left = n->right = NULL;
  }
  return n;
}

static long check(const Node *n) { return n->left ? 1 + check(n->left) + check(n->right) : 1; }

static void release(Node *n) {
  if (n->left) {
    release(n->left);
    release(n->right);
  }
  free(n);
}

static long trees(int min_depth, int max_depth) {
  long total = 0;
  Node *stretch = make(max_depth + 1);
  total += check(stretch);
  release(stretch);
  Node *long_lived = make(max_depth);
  for (int d = min_depth; d <= max_depth; d += 2) {
    int iterations = 1 << (max_depth - d + min_depth);
    long sum = 0;
    for (int i = 0; i < iterations; i++) {
      Node *t = make(d);
      sum += check(t);
      release(t);
    }
    total += sum;
  }
  total += check(long_lived);
  release(long_lived);
  return total;
}

int main(void) {
  long total = 0;
  for (int pass = 0; pass < 2; pass++) total += trees(4, 17);
  printf("binary-trees %ld\n", total);
  return 0;
}
