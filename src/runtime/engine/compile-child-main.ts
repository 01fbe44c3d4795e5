/** The script `compileOptimized` starts in its child process: see compile-child.ts. */
import { runCompileChild } from './compile-child.js';

await runCompileChild();
