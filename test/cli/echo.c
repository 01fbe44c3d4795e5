// For the CLI's WASI flags: prints its arguments, the variables it was given,
// and the first line of a file read through a preopened directory.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  const char *path = getenv("READ");
  if (path) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("cannot open %s\n", path); return 3; }
    char line[256] = {0};
    if (fgets(line, sizeof line, f)) printf("file: %s", line);
    fclose(f);
  }
  const char *code = getenv("EXIT");
  return code ? atoi(code) : 0;
}
