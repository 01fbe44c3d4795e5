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
import type { Feature } from '../../parser/types.js';
import { hex } from '../../units.js';
import type {
  ComponentType,
  CoreExternDescriptor,
  CoreModuleType,
  ExternDescriptor,
  ExternType,
  InstanceType,
} from '../types.js';
import { readAlias, readCoreSort, readSort } from './alias.js';
import type {
  ComponentAst,
  CoreInstanceDefinition,
  CustomSection,
  Definition,
  ExportDefinition,
  InstanceDefinition,
  Sort,
  SortIndex,
} from './ast.js';
import { readCanon } from './canon.js';
import { coreExternText, readCoreType } from './core-types.js';
import { ExternList } from './externs.js';
import { checkInstantiateArgs, externTypeMatches } from './matching.js';
import { decodeComponentNames } from './name-section.js';
import { UniqueNames } from './names.js';
import { named } from './naming.js';
import type { CoreTypeEntry } from './scope.js';
import { badIndex, isValType, Scope, sortName } from './scope.js';
import { substituteResources } from './type-mapping.js';
import { readDefType, readExternName, readExternType } from './type-section.js';

export { parseExternName } from './names.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
/** Binary.md: `version ::= 0x0d 0x00`, `layer ::= 0x01 0x00` (pre-standard; bumped as the proposal changes). */
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00] as const;
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

/** Whether `bytes` starts with a component's preamble: `\0asm`, version 0x0d 0x00, layer 0x01 0x00. */
export function isComponentBinary(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i] || bytes[i + 4] !== COMPONENT_VERSION[i]) return false;
  return true;
}

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
  private readonly imports = new ExternList('import');
  private readonly exports = new ExternList('export');
  private namesData: Uint8Array | undefined;

  constructor(r: Reader, parent: Scope | null) {
    this.r = r;
    this.scope = new Scope('component', parent, r.offset);
    this.start = r.offset;
  }

  parse(): ComponentAst {
    const r = this.r;
    this.readPreamble();
    while (!r.isAtEnd) this.readSection();
    return {
      definitions: this.definitions,
      customSections: this.customSections,
      type: { kind: 'component', imports: this.imports.items, exports: this.exports.items },
      names: decodeComponentNames(this.namesData),
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
        this.readVec('core instances', () => this.readCoreInstance());
        break;
      case 3:
        this.readVec('core types', () => this.readCoreTypes());
        break;
      case 4:
        this.readNestedComponent(end);
        break;
      case 5:
        this.readVec('instances', () => this.readInstance());
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

  private readCoreInstance(): void {
    const r = this.r;
    const offset = r.offset;
    const tag = r.readU8('a core instance expression');
    let definition: CoreInstanceDefinition;
    const exports = new Map<string, CoreExternDescriptor>();
    if (tag === 0x00) {
      const moduleAt = r.offset;
      const module = r.readU32('a core module index');
      const type = this.scope.coreModules[module];
      if (type === undefined) throw badIndex('core module', module, this.scope.coreModules.length, moduleAt);
      const args: { name: string; instance: number }[] = [];
      const argAt = new Map<string, number>();
      const n = r.readCount('instantiation arguments', MAX_ITEMS, 3);
      for (let i = 0; i < n; i++) {
        const at = r.offset;
        const name = r.readName('an argument name');
        const sortAt = r.offset;
        if (r.readU8('an argument sort') !== 0x12) {
          r.fail('ERR_INVALID', `core instantiation argument "${name}" must be a core instance (0x12)`, sortAt);
        }
        const instanceAt = r.offset;
        const instance = r.readU32('a core instance index');
        if (instance >= this.scope.coreInstances.length) {
          throw badIndex('core instance', instance, this.scope.coreInstances.length, instanceAt);
        }
        if (argAt.has(name)) r.fail('ERR_DUPLICATE_NAME', `core instantiation argument "${name}" is given twice`, at);
        argAt.set(name, at);
        args.push({ name, instance });
      }
      this.checkCoreInstantiate(module, type, args, offset);
      for (const e of type.exports) exports.set(e.name, e);
      definition = { kind: 'core-instance', offset, expr: { kind: 'instantiate', module, args } };
    } else if (tag === 0x01) {
      const items: { name: string; item: { sort: ReturnType<typeof readCoreSort>; index: number } }[] = [];
      const n = r.readCount('inline exports', MAX_ITEMS, 3);
      for (let i = 0; i < n; i++) {
        const at = r.offset;
        const name = r.readName('an export name');
        const sortAt = r.offset;
        const sort = readCoreSort(r);
        const indexAt = r.offset;
        const index = r.readU32('an index');
        if (sort === 'type' || sort === 'module' || sort === 'instance') {
          throw new WasmParseError(
            'ERR_INVALID',
            `a core instance can export only functions, tables, memories, globals and tags, not a core ${sort}`,
            sortAt,
          );
        }
        const space = this.scope.coreSpace(sort) as readonly (string | undefined)[];
        if (index >= space.length) throw badIndex(`core ${sort}`, index, space.length, indexAt);
        if (exports.has(name)) r.fail('ERR_DUPLICATE_NAME', `core instance export "${name}" is given twice`, at);
        const type = space[index];
        exports.set(name, type === undefined ? { name, kind: sort, type: '' } : { name, kind: sort, type });
        items.push({ name, item: { sort, index } });
      }
      definition = { kind: 'core-instance', offset, expr: { kind: 'exports', exports: items } };
    } else {
      throw new WasmParseError(
        'ERR_BAD_VALUE',
        `unknown core instance expression 0x${hex(tag)} (expected 0x00 instantiate, 0x01 exports)`,
        offset,
      );
    }
    this.scope.coreInstances.push(exports);
    this.definitions.push(definition);
  }

  /** Each import of the module must be met by an export of the `with` instance of its module name, of its kind and type. */
  private checkCoreInstantiate(
    module: number,
    type: CoreModuleType,
    args: readonly { readonly name: string; readonly instance: number }[],
    offset: number,
  ): void {
    for (const imp of type.imports) {
      const arg = args.find((a) => a.name === imp.module);
      const found = arg === undefined ? undefined : this.scope.coreInstances[arg.instance]?.get(imp.name);
      // Function types must be equal; a type unknown here (from an async built-in) is not checked.
      if (
        found !== undefined &&
        found.kind === imp.kind &&
        (imp.kind !== 'func' || found.type === '' || found.type === imp.type)
      ) {
        continue;
      }
      // The cold path: say which import is not met, and how.
      const what = `core module ${module} imports "${imp.module}" "${imp.name}" (${imp.kind})`;
      let detail: string;
      if (arg === undefined) detail = `, but no (with "${imp.module}" (instance ...)) argument is given`;
      else if (found === undefined) detail = `, but core instance ${arg.instance} exports no "${imp.name}"`;
      else if (found.kind !== imp.kind) detail = `, but core instance ${arg.instance} gives a ${found.kind}`;
      else detail = ` of type ${imp.type}, but core instance ${arg.instance} gives ${found.type}`;
      throw new WasmParseError('ERR_TYPE_MISMATCH', `${what}${detail}`, offset);
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

  private readSortIndex(): SortIndex & { readonly at: number } {
    const r = this.r;
    const sort = readSort(r);
    const at = r.offset;
    const index = r.readU32('an index');
    this.scope.check(sort, index, at);
    return { sort, index, at };
  }

  /** The extern type of the item at `sort` `index` (checked in range), as an export or argument has it. */
  private externTypeOf(sort: Sort, index: number, at: number): ExternType {
    const s = this.scope;
    if (sort.kind === 'core') {
      if (sort.sort !== 'module') {
        throw new WasmParseError(
          'ERR_TYPE_MISMATCH',
          `a core ${sort.sort} cannot be exported or passed to a component: only core modules`,
          at,
        );
      }
      return s.get(s.coreModules, index, 'core module', at);
    }
    switch (sort.kind) {
      case 'func':
        return s.get(s.funcs, index, 'func', at);
      case 'value':
        return { kind: 'value', type: s.get(s.values, index, 'value', at) };
      case 'component':
        return s.get(s.components, index, 'component', at);
      case 'instance':
        return s.get(s.instances, index, 'instance', at);
      case 'type': {
        const t = s.get(s.types, index, 'type', at);
        if (!isValType(t) && t.kind !== 'resource') {
          throw new WasmParseError(
            'ERR_TYPE_MISMATCH',
            `type ${index} is a ${t.kind} type: only value and resource types can be exported or passed as types`,
            at,
          );
        }
        return { kind: 'type', type: t };
      }
    }
  }

  private readInstance(): void {
    const r = this.r;
    const offset = r.offset;
    const tag = r.readU8('an instance expression');
    let definition: InstanceDefinition;
    let type: InstanceType;
    if (tag === 0x00) {
      const componentAt = r.offset;
      const component = r.readU32('a component index');
      const ctype: ComponentType = this.scope.get(this.scope.components, component, 'component', componentAt);
      const args: { name: string; item: SortIndex; type: ExternType; at: number }[] = [];
      const names = new Set<string>();
      const n = r.readCount('instantiation arguments', MAX_ITEMS, 3);
      for (let i = 0; i < n; i++) {
        const at = r.offset;
        const name = r.readName('an argument name');
        const { sort, index, at: indexAt } = this.readSortIndex();
        if (names.has(name)) r.fail('ERR_DUPLICATE_NAME', `instantiation argument "${name}" is given twice`, at);
        names.add(name);
        args.push({ name, item: { sort, index }, type: this.externTypeOf(sort, index, indexAt), at });
      }
      const bindings = checkInstantiateArgs(component, ctype, args, offset);
      type = { kind: 'instance', exports: substituteResources(ctype.exports, bindings) };
      definition = {
        kind: 'instance',
        offset,
        expr: { kind: 'instantiate', component, args: args.map((a) => ({ name: a.name, item: a.item })) },
      };
    } else if (tag === 0x01) {
      const exports: ExternDescriptor[] = [];
      const items: { name: string; item: SortIndex }[] = [];
      const names = new UniqueNames();
      const n = r.readCount('inline exports', MAX_ITEMS, 3);
      for (let i = 0; i < n; i++) {
        const at = r.offset;
        const name = readExternName(r, 'export');
        const { sort, index, at: indexAt } = this.readSortIndex();
        const earlier = names.add(name);
        if (earlier !== null) {
          r.fail(
            'ERR_DUPLICATE_NAME',
            `instance export "${name}" clashes with "${earlier}": export names must be unique`,
            at,
          );
        }
        const itemType = this.externTypeOf(sort, index, indexAt);
        // A type exported by name is that named type, as in an instance type's `(export "point" (type (eq i)))`.
        exports.push({
          name,
          type: itemType.kind === 'type' ? { kind: 'type', type: named(itemType.type, name) } : itemType,
        });
        items.push({ name, item: { sort, index } });
      }
      type = { kind: 'instance', exports };
      definition = { kind: 'instance', offset, expr: { kind: 'exports', exports: items } };
    } else {
      throw new WasmParseError(
        'ERR_BAD_VALUE',
        `unknown instance expression 0x${hex(tag)} (expected 0x00 instantiate, 0x01 exports)`,
        offset,
      );
    }
    this.scope.instances.push(type);
    this.definitions.push(definition);
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
    const { sort, index, at } = this.readSortIndex();
    const actual = this.externTypeOf(sort, index, at);
    const typeAt = r.offset;
    const has = r.readU8('an optional export type');
    let type = actual;
    if (has === 0x01) {
      const ascribed = readExternType(r, this.scope);
      const problem = externTypeMatches(actual, ascribed);
      if (problem !== null) {
        r.fail(
          'ERR_TYPE_MISMATCH',
          `export "${name}": the ${sortName(sort)} does not have the type the export gives it: ${problem}`,
          typeAt,
        );
      }
      type = ascribed.kind === 'type' && ascribed.type.kind === 'resource' ? actual : ascribed;
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
