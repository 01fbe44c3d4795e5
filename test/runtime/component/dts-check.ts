// Type-checks generated declarations with the TypeScript compiler, under the strict options
// this repository uses, so a test can show that a .d.ts is valid and means what it says: uses
// that must compile do, and uses marked `// @ts-expect-error` must not (an unused marker is
// itself an error).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noUnusedLocals: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
  types: ['node'],
  typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  paths: { 'wasmer-ts': [path.join(ROOT, 'dist', 'runtime', 'index.d.ts')] },
  noEmit: true,
  // Off, so that the generated .d.ts itself is checked; only our files are asked for diagnostics.
  skipLibCheck: false,
};

// The lib and @types/node files are the same for every check: parse them once per test file.
const parsed = new Map<string, ts.SourceFile | undefined>();

function cachingHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName.startsWith(tmpdir())) return read(fileName, languageVersion, onError, shouldCreate);
    if (!parsed.has(fileName)) parsed.set(fileName, read(fileName, languageVersion, onError, shouldCreate));
    return parsed.get(fileName);
  };
  return host;
}

/**
 * Writes `files` (name → text) to a temp directory and type-checks the `.ts` ones; returns every
 * diagnostic of those files as `file:line:col: message`. `wasmer-ts` resolves to this repository's
 * built declarations (dist/, which test/global-setup.ts builds before the tests).
 */
export function typeCheck(files: Readonly<Record<string, string>>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasmer-ts-dts-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const roots = Object.keys(files)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(dir, f));
    const program = ts.createProgram(roots, OPTIONS, cachingHost());
    const ours = program.getSourceFiles().filter((sf) => sf.fileName.startsWith(dir.split(path.sep).join('/')));
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...ours.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
    ];
    return diagnostics.map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.basename(d.file.fileName)}:${line + 1}:${character + 1}: ${message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
