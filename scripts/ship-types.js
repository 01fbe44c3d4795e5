// `npm run build`, after tsc: ships the WebAssembly declarations that
// dist/**/*.d.ts need (src/types/published/webassembly.d.ts says why) to
// dist/types/, and references them from dist/runtime/index.d.ts, the package's
// "types" entry. tsc copies no .d.ts source to outDir, and a reference written in
// src/runtime/index.ts would pull the file into src's own compile, which uses
// the full declarations in src/types/webassembly.d.ts instead.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE = path.join(ROOT, 'src/types/published/webassembly.d.ts');
const TARGET = path.join(ROOT, 'dist/types/webassembly.d.ts');
const INDEX = path.join(ROOT, 'dist/runtime/index.d.ts');
const REFERENCE = '/// <reference path="../types/webassembly.d.ts" />\n';

mkdirSync(path.dirname(TARGET), { recursive: true });
copyFileSync(SOURCE, TARGET);
const index = readFileSync(INDEX, 'utf8');
if (!index.startsWith(REFERENCE)) writeFileSync(INDEX, REFERENCE + index);
