/**
 * `wasmer-ts types FILE [-o OUT]`: TypeScript declarations of what a file offers. For a
 * component, its world's named types, `Exports` (what `instance.exports` holds) and
 * `Imports` (what a host passes to `component.instantiate`); for a core module, its exports.
 * Read from the parser alone: nothing is compiled or run.
 */
import { Command } from 'commander';
import { inputLabel, readModuleBytes } from './input.js';
import { writeOutput } from './output.js';
import { printOut } from './print.js';
import { InFile } from './report.js';

interface RawOptions {
  output?: string;
}

export const typesCommand = new Command('types')
  .description(
    "Write TypeScript declarations (.d.ts): a component's exports and the imports a host must provide, or a module's exports",
  )
  .argument('<file>', '.wasm component or module, .wat, a module compiled by `wasmer-ts compile`, or - for stdin')
  .option('-o, --output <file>', 'write the declarations to this file instead of stdout')
  .addHelpText(
    'after',
    `
The declarations are types only. For a component: the named types of its world
and interfaces, "interface Exports" (instance.exports: functions in lowerCamelCase,
interfaces keyed by their full name, resources as classes) and "interface Imports"
(what component.instantiate(imports) takes). For a core module: its exports.

Examples:
  $ wasmer-ts types fixtures/components/greet.wasm
  $ wasmer-ts types app.wasm -o app.d.ts
  $ wasmer-ts types fixtures/simple.wasm`,
  )
  .action(async (file: string, raw: RawOptions) => {
    const input = await readModuleBytes(file);
    const label = inputLabel(file);
    const header = `TypeScript declarations of ${file === '-' ? 'stdin' : label.replace(/^.*[\\/]/, '')}, by wasmer-ts types`;
    let text: string;
    try {
      const { isComponentBinary, parseComponent } = await import('../runtime/component/parser/index.js');
      if (isComponentBinary(input.wasm)) {
        const { componentDeclarations } = await import('../runtime/component/dts.js');
        text = componentDeclarations(parseComponent(input.wasm).type, { header });
      } else {
        const [{ parseModule }, { decodeParamNames }, { describeExtern }, { moduleDeclarations }] = await Promise.all([
          import('../runtime/parser/index.js'),
          import('../runtime/parser/names.js'),
          import('../runtime/kinds.js'),
          import('../runtime/component/dts-module.js'),
        ]);
        const info = parseModule(input.wasm);
        const nameSection = info.customSections.find((s) => s.name === 'name')?.data;
        const exports = info.exports.map((e) => describeExtern(e.name, e.desc, () => info.names.types));
        const paramNames = (name: string) => {
          const e = info.exports.find((x) => x.name === name);
          return e?.desc.kind === 'func' ? decodeParamNames(nameSection, e.index, e.desc.type.params.length) : [];
        };
        text = moduleDeclarations(exports, { header, paramNames });
      }
    } catch (error) {
      throw new InFile(label, error);
    }
    if (raw.output === undefined) printOut(text);
    else await writeOutput(raw.output, new TextEncoder().encode(text));
  });
