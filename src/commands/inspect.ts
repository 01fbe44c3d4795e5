/**
 * `wasmer-ts inspect FILE`: what a module is made of, from our parser alone
 * (no compile): sections, counts, imports/exports with types, start, custom
 * sections, module name, proposals used.
 */
import { Command } from 'commander';
import { describeDecodedArtifact } from '../runtime/engine/machine-code.js';
import {
  describeTypes,
  formatExternType,
  nameType,
  type TypeDescriptor,
  type TypeNames,
  typeId,
} from '../runtime/kinds.js';
import { SectionId } from '../runtime/parser/sections.js';
import { isComponentHead } from '../runtime/parser/sniff.js';
import type { ExternType, Feature, ModuleInfo } from '../runtime/parser/types.js';
import { hex } from '../runtime/units.js';
import { formatSize, printable, shownName } from './format.js';
import { inputLabel, type ModuleBytes, readModuleBytes } from './input.js';
import { addJsonOption } from './options.js';
import { printJson } from './output.js';
import { printOut } from './print.js';
import { InFile } from './report.js';

export const inspectCommand = addJsonOption(
  new Command('inspect')
    .description(
      'Show what a module contains: sections, types, imports and exports with types, proposals used; ' +
        'for a component, its world as WIT, its core modules and custom sections',
    )
    .argument('<file>', '.wasm, .wat, a module compiled by `wasmer-ts compile`, or - for stdin'),
)
  .addHelpText(
    'after',
    `
Examples:
  $ wasmer-ts inspect fixtures/simple.wasm
  $ wasmer-ts inspect app.wasmu --json | jq '.exports[].name'
  $ wat2wasm -o /dev/stdout prog.wat | wasmer-ts inspect -
  $ wasmer-ts inspect fixtures/components/greet.wasm

For a component, --json gives { file, format: "component", size, componentName,
wit (the world as WIT text), imports and exports ([{ name, kind }]), coreModules
([{ index, path, offset, size, imports, exports, exportNames }]: path lists the
nested components holding the module), customSections ([{ name, offset, size,
producers }]: producers decoded from a producers section, else null) }.`,
  )
  .action(async (file: string, raw: { json?: boolean }) => {
    const input = await readModuleBytes(file);
    const label = inputLabel(file);
    if (isComponentHead(input.wasm)) {
      const [{ Component }, { describeComponent, renderComponent }] = await Promise.all([
        import('../runtime/component/component.js'),
        import('./inspect-component.js'),
      ]);
      let component: import('../runtime/component/component.js').Component;
      try {
        component = new Component(input.wasm);
      } catch (error) {
        throw new InFile(label, error);
      }
      const report = describeComponent(label, input.inputSize, component);
      if (raw.json === true) printJson(report);
      else printOut(await renderComponent(report));
      return;
    }
    let info: ModuleInfo;
    let features: Feature[];
    try {
      const { parseModule } = await import('../runtime/parser/index.js');
      info = parseModule(input.wasm);
      features = await usedFeatures(input.wasm, info);
    } catch (error) {
      throw new InFile(label, error);
    }
    const report = describeModule(label, input, info, features);
    if (raw.json === true) printJson(report);
    else printOut(await renderInspect(report));
  });

/** Proposals used: what section headers tell (parser) plus what code bodies use (scanner). */
async function usedFeatures(wasm: Uint8Array, info: ModuleInfo): Promise<Feature[]> {
  const features = new Set<Feature>(info.features);
  const { scanCodeFeatures } = await import('../runtime/parser/features.js');
  for (const f of scanCodeFeatures(wasm, info)) features.add(f);
  return [...features].sort();
}

/** The `--json` document (README "inspect --json"). Keys are stable; new keys may be added. */
export interface InspectReport {
  readonly file: string;
  readonly format: ModuleBytes['format'];
  readonly size: number;
  readonly wasmSize: number;
  readonly moduleName: string | null;
  readonly sections: readonly { id: number; name: string; offset: number; size: number }[];
  readonly counts: Readonly<Record<string, number>>;
  readonly imports: readonly ({ module: string; name: string } & ExternDescription)[];
  readonly exports: readonly ({ name: string; index: number } & ExternDescription)[];
  readonly start: { index: number; name: string | null } | null;
  readonly customSections: readonly { name: string; offset: number; size: number }[];
  readonly features: readonly Feature[];
  readonly artifact: ArtifactReport | null;
  /** The type section (`module.types`): kind, text form, GC finality, supertypes, rec group, fields. */
  readonly types: readonly TypeReport[];
}

/**
 * One type as `--json` shows it: `module.types`'s descriptor with its `text` as `type` (the key every other
 * entry uses for the text form) and its rec group as the group's first index and size.
 */
export type TypeReport = Omit<TypeDescriptor, 'text'> & { readonly type: string };

export type ExternDescription = { kind: ExternType['kind']; type: string } & Record<string, unknown>;

interface ArtifactReport {
  readonly formatVersion: number;
  readonly wasmerTsVersion: string;
  readonly nodeVersion: string;
  readonly v8Version: string;
  readonly arch: string;
  /** 'blake3' from format version 3, 'sha256' before. */
  readonly hashAlgorithm: string;
  readonly wasmHash: string;
  readonly machineCodeSize: number;
  /** Why the machine code cannot be used in this process, or null when it can (or there is none). */
  readonly machineCodeUnusable: string | null;
}

/**
 * An import or export as `--json` shows it. Bounds are JSON numbers, except a table64 maximum above
 * 2^53 - 1 (a bigint in the runtime), which is a decimal string so that it stays exact.
 */
function describeExtern(desc: ExternType, typeNames: TypeNames): ExternDescription {
  const type = formatExternType(desc, typeNames);
  switch (desc.kind) {
    case 'func':
    case 'tag':
      return {
        kind: desc.kind,
        type,
        typeIndex: desc.typeIndex,
        params: desc.type.params.map((t) => nameType(t, typeNames)),
        results: desc.type.results.map((t) => nameType(t, typeNames)),
      };
    case 'memory':
      return {
        kind: desc.kind,
        type,
        minimum: desc.type.minimum,
        maximum: desc.type.maximum,
        shared: desc.type.shared,
        index64: desc.type.index64,
      };
    case 'table':
      return {
        kind: desc.kind,
        type,
        elementType: nameType(desc.type.elementType, typeNames),
        minimum: desc.type.minimum,
        maximum: typeof desc.type.maximum === 'bigint' ? String(desc.type.maximum) : desc.type.maximum,
        index64: desc.type.index64,
      };
    case 'global':
      return { kind: desc.kind, type, valueType: nameType(desc.type.type, typeNames), mutable: desc.type.mutable };
  }
}

export function describeModule(
  file: string,
  input: ModuleBytes,
  info: ModuleInfo,
  features: readonly Feature[],
): InspectReport {
  const typeNames: TypeNames = () => info.names.types;
  const customSections = info.sections
    .filter((s) => s.id === SectionId.custom)
    .map((s) => ({ name: s.name, offset: s.offset, size: s.size }));
  return {
    file,
    format: input.format,
    size: input.inputSize,
    wasmSize: input.wasm.byteLength,
    moduleName: info.names.module,
    sections: info.sections.map((s) => ({ id: s.id, name: s.name, offset: s.offset, size: s.size })),
    counts: {
      types: info.types.length,
      imports: info.imports.length,
      functions: info.functions.length,
      tables: info.tables.length,
      memories: info.memories.length,
      globals: info.globals.length,
      tags: info.tags.length,
      exports: info.exports.length,
      elementSegments: info.elementCount,
      dataSegments: info.dataSegmentCount,
      importedFunctions: info.importedFunctionCount,
      importedTables: info.importedTableCount,
      importedMemories: info.importedMemoryCount,
      importedGlobals: info.importedGlobalCount,
      importedTags: info.importedTagCount,
      customSections: customSections.length,
    },
    imports: info.imports.map((i) => ({ module: i.module, name: i.name, ...describeExtern(i.desc, typeNames) })),
    exports: info.exports.map((e) => ({ name: e.name, index: e.index, ...describeExtern(e.desc, typeNames) })),
    start: info.start === null ? null : { index: info.start, name: info.names.functions.get(info.start) ?? null },
    customSections,
    features,
    artifact: input.artifact === null ? null : artifactReport(input.artifact),
    types: describeTypes(info).map(({ text, ...rest }) => ({ ...rest, type: text })),
  };
}

function artifactReport(artifact: NonNullable<ModuleBytes['artifact']>): ArtifactReport {
  const { header: h, hasMachineCode, reason } = describeDecodedArtifact(artifact);
  return {
    formatVersion: h.formatVersion,
    wasmerTsVersion: h.wasmerTsVersion,
    nodeVersion: h.nodeVersion,
    v8Version: h.v8Version,
    arch: h.arch,
    hashAlgorithm: h.hashAlgorithm,
    wasmHash: h.wasmHash,
    machineCodeSize: h.machineCodeByteLength,
    machineCodeUnusable: hasMachineCode ? reason : null,
  };
}

/** The human form of an `InspectReport`. Colour only when stdout takes it (chalk: TTY, NO_COLOR, FORCE_COLOR). */
export async function renderInspect(r: InspectReport): Promise<string> {
  let bold = (s: string) => s;
  let dim = (s: string) => s;
  const { default: chalk } = await import('chalk');
  if (chalk.level > 0) {
    bold = chalk.bold;
    dim = chalk.dim;
  }
  const out: string[] = [];
  const what = r.format === 'wasm' ? 'WebAssembly binary' : r.format === 'wat' ? 'WebAssembly text' : 'compiled module';
  out.push(
    `${bold(r.file)}: ${what}, ${formatSize(r.size)}${r.format === 'wasm' ? '' : ` (Wasm ${formatSize(r.wasmSize)})`}`,
  );
  if (r.moduleName !== null) out.push(`module name: ${printable(r.moduleName)}`);
  if (r.artifact !== null) {
    const a = r.artifact;
    out.push(
      `artifact: format ${a.formatVersion}, wasmer-ts ${a.wasmerTsVersion}, Node ${a.nodeVersion}, V8 ${a.v8Version}, ${a.arch}`,
      a.machineCodeSize === 0
        ? '  machine code: none (compiled from the Wasm bytes when loaded)'
        : `  machine code: ${formatSize(a.machineCodeSize)}${a.machineCodeUnusable === null ? ', usable here' : ` (unusable here: ${a.machineCodeUnusable})`}`,
    );
  }

  out.push('', bold(`sections (${r.sections.length})`));
  const rows = r.sections.map((s) => [
    String(s.id),
    s.id === SectionId.custom ? `custom "${printable(s.name)}"` : s.name,
    `0x${hex(s.offset, 1)}`,
    String(s.size),
  ]);
  out.push(...table(['id', 'name', 'offset', 'size'], rows).map((l, i) => (i === 0 ? dim(l) : l)));

  const c = r.counts;
  const count = (name: string, defined = 0, imported = 0) =>
    `${name} ${defined}${imported > 0 ? ` (+${imported} imported)` : ''}`;
  out.push(
    '',
    bold('counts'),
    `  ${[
      count('types', c.types),
      count('functions', c.functions, c.importedFunctions),
      count('tables', c.tables, c.importedTables),
      count('memories', c.memories, c.importedMemories),
      count('globals', c.globals, c.importedGlobals),
      count('tags', c.tags, c.importedTags),
    ].join(', ')}`,
    `  element segments ${c.elementSegments}, data segments ${c.dataSegments}`,
  );

  out.push('', bold(`types (${r.types.length})`));
  out.push(...typeLines(r.types));

  out.push('', bold(`imports (${r.imports.length})`));
  for (const i of r.imports) out.push(`  ${shownName(i.module)}.${shownName(i.name)}: ${i.type}`);
  out.push('', bold(`exports (${r.exports.length})`));
  for (const e of r.exports) out.push(`  ${shownName(e.name)}: ${e.type}`);

  out.push(
    '',
    `${bold('start')}: ${r.start === null ? 'none' : `func[${r.start.index}]${r.start.name === null ? '' : ` <${printable(r.start.name)}>`}`}`,
  );

  out.push('', bold(`custom sections (${r.customSections.length})`));
  for (const s of r.customSections) out.push(`  ${printable(s.name)}: ${formatSize(s.size)}`);

  out.push('', `${bold('proposals')}: ${r.features.length === 0 ? 'none (MVP only)' : r.features.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** `  0 $point: struct (field $x i32)`, with the types of a `rec` group indented under a `rec 1..2` line. */
function typeLines(types: readonly TypeReport[]): string[] {
  const out: string[] = [];
  for (const t of types) {
    const g = t.recGroup;
    if (g !== null && g.first === t.index) out.push(`  rec ${g.first}..${g.first + g.count - 1}`);
    const name = t.name === null ? '' : ` ${printable(typeId(t.name))}`;
    out.push(`${g === null ? '  ' : '    '}${t.index}${name}: ${printable(t.type)}`);
  }
  return out;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, i) => (i === 1 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}
