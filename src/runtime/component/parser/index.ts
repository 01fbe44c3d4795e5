/**
 * The component binary parser and validator (design/mvp/Binary.md): one pass over the
 * bytes reads every section, builds the index spaces as definitions appear, checks each
 * reference against them and resolves every type (../types.ts). Nested components are
 * read in the same pass, each with index spaces of its own and its parent as the scope
 * outer aliases reach. Pure: bytes in, `ComponentAst` out, or a `WasmParseError` with a
 * code and the absolute byte offset in the outermost binary.
 */
import { ArgumentError, WasmParseError } from '../../errors.js';
import { parseModule } from '../../parser/index.js';
import { Reader } from '../../parser/reader.js';
import { isComponentHead } from '../../parser/sniff.js';
import type { Feature } from '../../parser/types.js';
import { hex } from '../../units.js';
import type { ComponentType, CoreModuleType } from '../types.js';
import { readAlias } from './alias.js';
import type { ComponentAst, ComponentNames, CustomSection, Definition, ExportDefinition } from './ast.js';
import { readCanon } from './canon.js';
import { coreExternText, readCoreType } from './core-types.js';
import { ExternList, NamedTypes } from './externs.js';
import { externTypeOf, readCoreInstance, readInstance, readSortIndex } from './instances.js';
import { externTypeMatches } from './matching.js';
import { decodeComponentNames } from './name-section.js';
import type { CoreTypeEntry } from './scope.js';
import { Scope, sortName } from './scope.js';
import { substituteResources } from './type-mapping.js';
import { readDefType, readExternName, readExternType } from './type-section.js';

export { parseExternName } from './names.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
const MAX_ITEMS = 1_000_000;

const SECTION_NAMES = [
  'custom',
  'core module',
  'core instance',
  'core type',
  'component',
  'instance',
  'alias',
  'type',
  'canon',
  'start',
  'import',
  'export',
  'value',
] as const;

/** Whether `bytes` starts with a component's preamble: `\0asm`, version 0x0d 0x00, layer 0x01 0x00 (sniff.ts's check). */
export const isComponentBinary: (bytes: Uint8Array) => boolean = isComponentHead;

/**
 * Parses and validates a component binary.
 *
 * @returns the component's definitions in order, each type resolved, its own imports and exports
 *   (`type`), its custom sections (views into `bytes`) and its `component-name` names.
 * @throws WasmParseError with the absolute byte `offset`: `ERR_BAD_MAGIC`, `ERR_BAD_VERSION` (a core
 *   module, or another component version), `ERR_UNEXPECTED_EOF`, `ERR_BAD_LEB`, `ERR_BAD_SECTION`,
 *   `ERR_SECTION_SIZE`, `ERR_BAD_TYPE`, `ERR_BAD_VALUE`, `ERR_BAD_UTF8`, `ERR_LIMIT` while decoding;
 *   `ERR_BAD_INDEX` (an index past its space, an export name an instance lacks), `ERR_TYPE_MISMATCH`
 *   (the wrong kind or type of item), `ERR_DUPLICATE_NAME`, `ERR_BAD_NAME` (not a valid extern name or
 *   label) and `ERR_INVALID` (another rule of Binary.md; value definitions 🪙 are not supported) while
 *   validating. A nested core module's own errors come from the core parser, their offsets made absolute.
 * @throws ArgumentError `ERR_ARG_TYPE` when `bytes` is not a Uint8Array.
 */
export function parseComponent(bytes: Uint8Array): ComponentAst {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      'parseComponent takes a Uint8Array (wrap an ArrayBuffer with new Uint8Array(buffer))',
    );
  }
  const r = new Reader(bytes, 0, bytes.length, 'component');
  return new ComponentParser(r, null).parse();
}

class ComponentParser {
  private readonly r: Reader;
  private readonly scope: Scope;
  private readonly start: number;
  private readonly features = new Set<Feature>();
  private readonly definitions: Definition[] = [];
  private readonly customSections: CustomSection[] = [];
  private readonly imports: ExternList;
  private readonly exports: ExternList;
  private namesData: Uint8Array | undefined;

  constructor(r: Reader, parent: Scope | null) {
    this.r = r;
    this.scope = new Scope('component', parent, r.offset);
    this.start = r.offset;
    const introductions = new NamedTypes(this.scope);
    this.imports = new ExternList('import', introductions);
    this.exports = new ExternList('export', introductions);
  }

  parse(): ComponentAst {
    const r = this.r;
    this.readPreamble();
    while (!r.isAtEnd) this.readSection();
    const type: ComponentType = { kind: 'component', imports: this.imports.items, exports: this.exports.items };
    // Its exports bind nothing when it is matched: they are what it has (its own resources or ones it was given).
    this.scope.setIntroduced(type, { imports: this.imports.introduced, exports: [] });
    // The names are for messages and `inspect`: decoded when first asked for, not on every run.
    const namesData = this.namesData;
    let names: ComponentNames | undefined;
    return {
      definitions: this.definitions,
      customSections: this.customSections,
      type,
      get names() {
        names ??= decodeComponentNames(namesData);
        return names;
      },
      offset: this.start,
      byteLength: r.end - this.start,
    };
  }

  private readPreamble(): void {
    const r = this.r;
    const s = this.start;
    for (let i = 0; i < 4; i++) {
      if (s + i >= r.end) r.fail('ERR_UNEXPECTED_EOF', 'the input ends inside the magic number \\0asm', s + i);
      if (r.bytes[s + i] !== MAGIC[i]) {
        r.fail('ERR_BAD_MAGIC', 'not a WebAssembly binary: it does not start with the magic number \\0asm', s + i);
      }
    }
    for (let i = 0; i < 4; i++) {
      if (s + 4 + i >= r.end)
        r.fail('ERR_UNEXPECTED_EOF', 'the input ends inside the version (expected 0d 00 01 00)', s + 4 + i);
    }
    const b = r.bytes;
    if (b[s + 4] !== 0x0d || b[s + 5] !== 0x00 || b[s + 6] !== 0x01 || b[s + 7] !== 0x00) {
      const version = Array.from(b.subarray(s + 4, s + 8), (x) => hex(x)).join(' ');
      if (version === '01 00 00 00') {
        r.fail(
          'ERR_BAD_VERSION',
          'this is a core WebAssembly module (version 01 00 00 00), not a component: load it as a Module',
          s + 4,
        );
      }
      r.fail(
        'ERR_BAD_VERSION',
        `unsupported component version ${version} (expected 0d 00 01 00, the component model's)`,
        s + 4,
      );
    }
    r.offset = s + 8;
  }

  private readSection(): void {
    const r = this.r;
    const offset = r.offset;
    const id = r.readU8('a section id');
    const name = SECTION_NAMES[id];
    if (name === undefined) {
      r.fail('ERR_BAD_SECTION', `unknown section id ${id} (component sections are 0-12)`, offset);
    }
    const sizeAt = r.offset;
    const size = r.readU32('a section size');
    const contentStart = r.offset;
    if (size > r.end - contentStart) {
      r.fail(
        'ERR_SECTION_SIZE',
        `the ${name} section claims ${size} bytes, but only ${r.end - contentStart} are left`,
        sizeAt,
      );
    }
    const end = contentStart + size;
    const outerEnd = r.end;
    const outerContext = r.context;
    r.end = end;
    r.context = `${name} section`;
    this.readSectionContent(id, end);
    if (r.offset !== end) {
      r.fail(
        'ERR_SECTION_SIZE',
        `the ${name} section has ${end - r.offset} bytes after its contents (its size is wrong)`,
        r.offset,
      );
    }
    r.end = outerEnd;
    r.context = outerContext;
  }

  private readSectionContent(id: number, end: number): void {
    const r = this.r;
    switch (id) {
      case 0:
        this.readCustomSection(end);
        break;
      case 1:
        this.readCoreModule(end);
        break;
      case 2:
        this.readVec('core instances', () => {
          this.definitions.push(readCoreInstance(r, this.scope));
        });
        break;
      case 3:
        this.readVec('core types', () => this.readCoreTypes());
        break;
      case 4:
        this.readNestedComponent(end);
        break;
      case 5:
        this.readVec('instances', () => {
          this.definitions.push(readInstance(r, this.scope));
        });
        break;
      case 6:
        this.readVec('aliases', () => {
          this.definitions.push(readAlias(r, this.scope, false));
        });
        break;
      case 7:
        this.readVec('types', () => {
          const offset = r.offset;
          const type = readDefType(r, this.scope, this.features);
          this.scope.types.push(type);
          this.definitions.push({ kind: 'type', offset, type });
        });
        break;
      case 8:
        this.readVec('canonical definitions', () => {
          this.definitions.push(readCanon(r, this.scope));
        });
        break;
      case 9:
        this.readStart();
        break;
      case 10:
        this.readVec('imports', () => this.readImport());
        break;
      case 11:
        this.readVec('exports', () => this.readExport());
        break;
      default:
        r.fail(
          'ERR_INVALID',
          'value definitions (🪙, section 12) are not supported: build the component without values',
          r.offset,
        );
    }
  }

  private readVec(what: string, readOne: () => void): void {
    const n = this.r.readCount(what, MAX_ITEMS);
    for (let i = 0; i < n; i++) readOne();
  }

  private readCustomSection(end: number): void {
    const r = this.r;
    const name = r.readName('a custom section name');
    const offset = r.offset;
    const data = r.bytes.subarray(offset, end);
    r.offset = end;
    this.customSections.push({ name, data, offset });
    if (name === 'component-name' && this.namesData === undefined) this.namesData = data;
  }

  private readCoreModule(end: number): void {
    const r = this.r;
    const offset = r.offset;
    const bytes = r.bytes.subarray(offset, end);
    let info: ReturnType<typeof parseModule>;
    try {
      info = parseModule(bytes);
    } catch (e) {
      if (!(e instanceof WasmParseError)) throw e;
      const index = this.scope.coreModules.length;
      throw new WasmParseError(e.code, `core module ${index}: ${e.detail}`, offset + e.offset);
    }
    const type: CoreModuleType = {
      kind: 'module',
      imports: info.imports.map((i) => ({
        module: i.module,
        name: i.name,
        kind: i.desc.kind,
        type: coreExternText(i.desc),
      })),
      exports: info.exports.map((e) => ({ name: e.name, kind: e.desc.kind, type: coreExternText(e.desc) })),
    };
    r.offset = end;
    this.scope.coreModules.push(type);
    this.definitions.push({ kind: 'core-module', offset, bytes });
  }

  private readCoreTypes(): void {
    const r = this.r;
    const offset = r.offset;
    for (const entry of readCoreType(r, this.scope, this.features)) {
      this.scope.coreTypes.push(entry);
      this.definitions.push({ kind: 'core-type', offset, description: describeCoreType(entry) });
    }
  }

  private readNestedComponent(end: number): void {
    const r = this.r;
    const offset = r.offset;
    const nested = new ComponentParser(r, this.scope);
    r.context = 'nested component';
    const component = nested.parse();
    r.offset = end;
    this.scope.components.push(component.type);
    this.definitions.push({ kind: 'component', offset, component });
  }

  private readStart(): void {
    const r = this.r;
    const offset = r.offset;
    const funcAt = r.offset;
    const func = r.readU32('a func index');
    const ft = this.scope.get(this.scope.funcs, func, 'func', funcAt);
    const n = r.readCount('start arguments', MAX_ITEMS);
    const args: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const v = r.readU32('a value index');
      this.scope.get(this.scope.values, v, 'value', at);
      args.push(v);
    }
    const resultsAt = r.offset;
    const results = r.readU32('a result count');
    if (args.length !== ft.params.length || results !== (ft.result === undefined ? 0 : 1)) {
      r.fail(
        'ERR_TYPE_MISMATCH',
        `start function ${func} takes ${ft.params.length} arguments and returns ${ft.result === undefined ? 0 : 1} results, but start gives ${args.length} and expects ${results}`,
        resultsAt,
      );
    }
    if (ft.result !== undefined) this.scope.values.push(ft.result);
    this.definitions.push({ kind: 'start', offset, func, args, results });
  }

  private readImport(): void {
    const r = this.r;
    const offset = r.offset;
    const nameAt = r.offset + 1;
    const name = readExternName(r, 'import');
    const declared = this.imports.add(this.scope, name, readExternType(r, this.scope), nameAt);
    this.definitions.push({ kind: 'import', offset, name, type: declared.type });
  }

  private readExport(): void {
    const r = this.r;
    const offset = r.offset;
    const nameAt = r.offset + 1;
    const name = readExternName(r, 'export');
    const { sort, index, at } = readSortIndex(r, this.scope);
    const actual = externTypeOf(this.scope, sort, index, at);
    const typeAt = r.offset;
    const has = r.readU8('an optional export type');
    let type = actual;
    if (has === 0x01) {
      const ascribed = readExternType(r, this.scope);
      const { problem, bindings } = externTypeMatches(this.scope, actual, ascribed);
      if (problem !== null) {
        r.fail(
          'ERR_TYPE_MISMATCH',
          `export "${name}": the ${sortName(sort)} does not have the type the export gives it: ${problem}`,
          typeAt,
        );
      }
      // The export has the ascribed type, its own resources standing for the item's (a resource is the item's).
      if (ascribed.kind === 'type' && ascribed.type.kind === 'resource') type = actual;
      else if (ascribed.kind === 'instance' && bindings.size > 0)
        type = { kind: 'instance', exports: substituteResources(ascribed.exports, bindings) };
      else type = ascribed;
    } else if (has !== 0x00) {
      r.fail('ERR_BAD_VALUE', `optional export type flag 0x${hex(has)} is unknown (expected 0x00 or 0x01)`, typeAt);
    }
    const declared = this.exports.add(this.scope, name, type, nameAt);
    const definition: ExportDefinition = { kind: 'export', offset, name, item: { sort, index }, type: declared.type };
    this.definitions.push(definition);
  }
}

/** A core type in the text format's words. */
function describeCoreType(entry: CoreTypeEntry): string {
  if (entry.kind !== 'module') return entry.text;
  const decls = [
    ...entry.type.imports.map((i) => ` (import "${i.module ?? ''}" "${i.name}" ${i.type})`),
    ...entry.type.exports.map((e) => ` (export "${e.name}" ${e.type})`),
  ];
  return `(module${decls.join('')})`;
}
