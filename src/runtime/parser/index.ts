/**
 * The module parser: reads every section header and the declarations in them
 * (https://webassembly.github.io/spec/core/binary/modules.html), skipping code
 * bodies and data payloads by their sizes. Pure: bytes in, `ModuleInfo` out, or
 * a `WasmParseError` with a code, what was expected, and the byte offset.
 */
import { ArgumentError } from '../errors.js';
import { hex } from '../units.js';
import { readConstExpr } from './const-expr.js';
import {
  MAX_DATA_SEGMENTS,
  MAX_ELEMENT_SEGMENTS,
  MAX_EXPORTS,
  MAX_FUNCTION_PARAMS,
  MAX_FUNCTION_RESULTS,
  MAX_FUNCTION_SIZE,
  MAX_FUNCTIONS,
  MAX_GLOBALS,
  MAX_IMPORTS,
  MAX_MEMORIES,
  MAX_SEGMENT_ELEMENTS,
  MAX_STRUCT_FIELDS,
  MAX_SUPERTYPES,
  MAX_TABLES,
  MAX_TAGS,
  MAX_TYPES,
} from './limits.js';
import { decodeNameSection, emptyNameSection } from './names.js';
import { Reader } from './reader.js';
import { MAX_SECTION_ID, SECTION_NAMES, SECTION_RANK, SectionId } from './sections.js';
import type {
  CustomSection,
  Export,
  ExternType,
  Feature,
  FieldType,
  FuncType,
  GlobalType,
  Import,
  MemoryType,
  ModuleInfo,
  NameSection,
  RecGroup,
  RefType,
  SectionHeader,
  StorageType,
  SubType,
  TableType,
  TypeDef,
  ValType,
} from './types.js';
import { readRefType, readValType } from './value-types.js';

export type * from './types.js';

/** The declaration of every type outside `sub`: final, no supertypes (one shared object for all of them). */
const PLAIN_SUB_TYPE: SubType = Object.freeze({ isFinal: true, supertypes: Object.freeze([]) as readonly number[] });

/** The mutable state of one parse; `parseModule` turns it into the frozen result. */
class ModuleParser {
  readonly r: Reader;
  readonly bytes: Uint8Array;
  readonly sections: SectionHeader[] = [];
  readonly types: TypeDef[] = [];
  readonly subTypes: SubType[] = [];
  readonly recGroups: RecGroup[] = [];
  readonly imports: Import[] = [];
  /** Type index of each defined function: one array made at its final size (a 620,000-function module pushed two). */
  functions: Uint32Array = new Uint32Array(0);
  readonly tables: TableType[] = [];
  readonly memories: MemoryType[] = [];
  readonly globals: GlobalType[] = [];
  readonly tags: number[] = [];
  readonly exports: Export[] = [];
  readonly customSections: CustomSection[] = [];
  readonly features = new Set<Feature>();
  start: number | null = null;
  elementCount = 0;
  dataCount: number | null = null;
  dataSegmentCount = 0;
  codeCount = 0;
  hasCodeSection = false;
  /** Payload of the first `name` custom section; decoded only when `names` is read. */
  nameSectionData: Uint8Array | null = null;
  importedFunctionCount = 0;
  importedTableCount = 0;
  importedMemoryCount = 0;
  importedGlobalCount = 0;
  importedTagCount = 0;
  /** Types of every global in the index space (imports first), for `global.get` in constant expressions. */
  readonly globalSpace: GlobalType[] = [];
  /** Type index of every imported function: the function index space is these, then `functions`. */
  readonly importedFunctionTypes: number[] = [];
  readonly tagSpace: number[] = [];
  readonly tableSpace: TableType[] = [];
  readonly memorySpace: MemoryType[] = [];

  /**
   * @param walkBodies whether to read each function body's size in the code section. Reading
   *   them checks what V8 checks again as it compiles: parseCompiledModule leaves them out.
   */
  constructor(
    bytes: Uint8Array,
    readonly walkBodies = true,
  ) {
    this.bytes = bytes;
    this.r = new Reader(bytes);
  }

  parse(): ModuleInfo {
    const r = this.r;
    this.readPreamble();
    let lastRank = 0;
    let lastId = 0;
    while (!r.isAtEnd) {
      const offset = r.offset;
      r.end = this.bytes.length;
      r.context = 'module';
      const id = r.readU8('a section id');
      const size = r.readU32('a section size');
      const contentOffset = r.offset;
      if (id > MAX_SECTION_ID) {
        r.fail('ERR_BAD_SECTION', `unknown section id ${id} (expected 0 to ${MAX_SECTION_ID})`, offset);
      }
      const sectionName = SECTION_NAMES[id]!;
      if (size > this.bytes.length - contentOffset) {
        r.fail(
          'ERR_SECTION_SIZE',
          `the ${sectionName} section declares ${size} bytes but only ${this.bytes.length - contentOffset} remain`,
          offset,
        );
      }
      const end = contentOffset + size;
      r.end = end;
      r.context = `${sectionName} section`;
      let name = sectionName;
      if (id === SectionId.custom) {
        name = this.readCustomSection(end);
      } else {
        const rank = SECTION_RANK[id]!;
        if (rank === lastRank) {
          r.fail('ERR_SECTION_ORDER', `duplicate ${sectionName} section (each known section may appear once)`, offset);
        }
        if (rank < lastRank) {
          r.fail(
            'ERR_SECTION_ORDER',
            `the ${sectionName} section must come before the ${SECTION_NAMES[lastId]} section`,
            offset,
          );
        }
        lastRank = rank;
        lastId = id;
        this.readSection(id);
      }
      if (r.offset !== end) {
        r.fail(
          'ERR_SECTION_SIZE',
          `the ${sectionName} section declares ${size} bytes but its contents end after ${r.offset - contentOffset}`,
          r.offset,
        );
      }
      this.sections.push({ id, name, offset, contentOffset, size });
      r.end = this.bytes.length;
    }
    r.end = this.bytes.length;
    if (!this.hasCodeSection && this.functions.length > 0) {
      r.fail(
        'ERR_COUNT_MISMATCH',
        `the function section declares ${this.functions.length} functions but there is no code section`,
        this.bytes.length,
      );
    }
    if (this.dataCount !== null && this.dataCount !== this.dataSegmentCount) {
      r.fail(
        'ERR_COUNT_MISMATCH',
        `the data count section says ${this.dataCount} data segments but the data section has ${this.dataSegmentCount}`,
        this.bytes.length,
      );
    }
    const nameSectionData = this.nameSectionData;
    let names: NameSection | null = nameSectionData === null ? emptyNameSection() : null;
    return {
      byteLength: this.bytes.length,
      sections: this.sections,
      types: this.types,
      subTypes: this.subTypes,
      recGroups: this.recGroups,
      imports: this.imports,
      functions: this.functions,
      tables: this.tables,
      memories: this.memories,
      globals: this.globals,
      tags: this.tags,
      exports: this.exports,
      start: this.start,
      elementCount: this.elementCount,
      dataCount: this.dataCount,
      dataSegmentCount: this.dataSegmentCount,
      codeCount: this.codeCount,
      customSections: this.customSections,
      // Decoded on first read: a module's name section can hold 100k+ names that `inspect` or `validate`
      // never look at, and decoding them would cost more than the rest of the parse.
      get names(): NameSection {
        names ??= decodeNameSection(nameSectionData!);
        return names;
      },
      features: this.features,
      importedFunctionCount: this.importedFunctionCount,
      importedTableCount: this.importedTableCount,
      importedMemoryCount: this.importedMemoryCount,
      importedGlobalCount: this.importedGlobalCount,
      importedTagCount: this.importedTagCount,
    };
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#binary-module */
  readPreamble(): void {
    const b = this.bytes;
    for (let i = 0; i < 4; i++) {
      if (i >= b.length) this.r.fail('ERR_UNEXPECTED_EOF', 'the input ends inside the magic number \\0asm', i);
      if (b[i] !== [0x00, 0x61, 0x73, 0x6d][i]) {
        this.r.fail('ERR_BAD_MAGIC', 'not a WebAssembly binary: it does not start with the magic number \\0asm', i);
      }
    }
    for (let i = 4; i < 8; i++) {
      if (i >= b.length)
        this.r.fail('ERR_UNEXPECTED_EOF', 'the input ends inside the version (expected 01 00 00 00)', i);
      if (b[i] !== (i === 4 ? 1 : 0)) {
        const version = Array.from(b.subarray(4, 8), (x) => hex(x)).join(' ');
        // `0d 00 01 00` is a component's preamble (design/mvp/Binary.md): say so, rather than only "unsupported".
        const what = version === '0d 00 01 00' ? ': this is a WebAssembly component, not a core module' : '';
        this.r.fail(
          'ERR_BAD_VERSION',
          `unsupported binary version ${version}${what} (expected 01 00 00 00, version 1)`,
          4,
        );
      }
    }
    this.r.offset = 8;
  }

  readSection(id: number): void {
    switch (id) {
      case SectionId.type:
        this.readTypeSection();
        break;
      case SectionId.import:
        this.readImportSection();
        break;
      case SectionId.function:
        this.readFunctionSection();
        break;
      case SectionId.table:
        this.readTableSection();
        break;
      case SectionId.memory:
        this.readMemorySection();
        break;
      case SectionId.tag:
        this.readTagSection();
        break;
      case SectionId.global:
        this.readGlobalSection();
        break;
      case SectionId.export:
        this.readExportSection();
        break;
      case SectionId.start:
        this.readStartSection();
        break;
      case SectionId.element:
        this.readElementSection();
        break;
      case SectionId.dataCount:
        this.dataCount = this.r.readU32('the data count');
        this.features.add('bulk-memory');
        break;
      case SectionId.code:
        this.readCodeSection();
        break;
      case SectionId.data:
        this.readDataSection();
        break;
    }
  }

  // ---- types: https://webassembly.github.io/spec/core/binary/types.html ----

  /** https://webassembly.github.io/spec/core/binary/modules.html#type-section (+ GC rec/sub/struct/array). */
  readTypeSection(): void {
    const r = this.r;
    const count = r.readCount('types', MAX_TYPES);
    for (let i = 0; i < count; i++) {
      const form = r.peekU8('a type form');
      if (form === 0x4e) {
        // rec group: one entry that defines several types.
        r.offset++;
        this.features.add('gc');
        const n = r.readCount('types in a rec group', MAX_TYPES - this.types.length);
        this.recGroups.push({ first: this.types.length, count: n });
        for (let j = 0; j < n; j++) this.readSubType();
      } else {
        this.readSubType();
      }
      if (this.types.length > MAX_TYPES) {
        r.fail('ERR_LIMIT', `more than ${MAX_TYPES} types, more than V8 accepts`);
      }
    }
  }

  /** https://webassembly.github.io/gc/core/binary/types.html#recursive-types: `sub` (0x50), `sub final` (0x4f), or a bare composite type. */
  readSubType(): void {
    const r = this.r;
    const form = r.peekU8('a type form');
    let subType = PLAIN_SUB_TYPE;
    if (form === 0x50 || form === 0x4f) {
      r.offset++;
      this.features.add('gc');
      const n = r.readCount('supertypes', MAX_SUPERTYPES);
      const supertypes: number[] = new Array(n);
      for (let j = 0; j < n; j++) supertypes[j] = r.readU32('a supertype index');
      subType = { isFinal: form === 0x4f, supertypes };
    }
    this.types.push(this.readCompositeType());
    this.subTypes.push(subType);
  }

  readCompositeType(): TypeDef {
    const r = this.r;
    const offset = r.offset;
    const form = r.readU8('a type form');
    switch (form) {
      case 0x60: {
        const params = this.readResultType('parameters', MAX_FUNCTION_PARAMS);
        const results = this.readResultType('results', MAX_FUNCTION_RESULTS);
        if (results.length > 1) this.features.add('multi-value');
        return { kind: 'func', params, results };
      }
      case 0x5f: {
        this.features.add('gc');
        const n = r.readCount('struct fields', MAX_STRUCT_FIELDS, 2);
        const fields: FieldType[] = new Array(n);
        for (let j = 0; j < n; j++) fields[j] = this.readFieldType();
        return { kind: 'struct', fields };
      }
      case 0x5e:
        this.features.add('gc');
        return { kind: 'array', element: this.readFieldType() };
      default:
        return r.fail(
          'ERR_BAD_TYPE',
          `unknown type form 0x${hex(form)} (expected 0x60 func, 0x5f struct, 0x5e array, 0x50/0x4f sub or 0x4e rec)`,
          offset,
        );
    }
  }

  /** https://webassembly.github.io/gc/core/binary/types.html#aggregate-types: a storage type (packed i8 0x78, i16 0x77) then mutability. */
  readFieldType(): FieldType {
    const r = this.r;
    const b = r.peekU8('a field type');
    let type: StorageType;
    if (b === 0x78 || b === 0x77) {
      r.offset++;
      type = b === 0x78 ? 'i8' : 'i16';
    } else {
      type = this.readValType();
    }
    return { type, mutable: this.readMutability() };
  }

  readMutability(): boolean {
    const r = this.r;
    const offset = r.offset;
    const m = r.readU8('a mutability flag');
    if (m > 1) r.fail('ERR_BAD_VALUE', `bad mutability flag 0x${hex(m)} (expected 0x00 const or 0x01 var)`, offset);
    return m === 1;
  }

  readResultType(what: string, limit: number): ValType[] {
    const n = this.r.readCount(what, limit);
    const out: ValType[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.readValType();
    return out;
  }

  readValType(): ValType {
    return readValType(this.r, this.features);
  }

  readRefType(what?: string): RefType {
    return readRefType(this.r, this.features, what);
  }

  /** https://webassembly.github.io/spec/core/binary/types.html#limits for tables (flags 0x00/0x01, table64 0x04/0x05). */
  readTableType(): TableType {
    const elementType = this.readRefType('a table element type');
    const r = this.r;
    const offset = r.offset;
    const flags = r.readU8('table limits flags');
    if (flags !== 0 && flags !== 1 && flags !== 4 && flags !== 5) {
      r.fail('ERR_BAD_VALUE', `bad table limits flags 0x${hex(flags)} (expected 0x00, 0x01, 0x04 or 0x05)`, offset);
    }
    const index64 = (flags & 4) !== 0;
    const minimum = index64 ? r.readU64('a table minimum') : r.readU32('a table minimum');
    // V8 accepts any u64 as a table64 maximum (it caps growth at its own limit), so it is read exactly.
    const maximum = flags & 1 ? (index64 ? r.readU64Exact('a table maximum') : r.readU32('a table maximum')) : null;
    if (index64) this.features.add('memory64');
    if (elementType !== 'funcref') this.features.add('reference-types');
    return { elementType, minimum, maximum, index64 };
  }

  /** https://webassembly.github.io/spec/core/binary/types.html#memory-types: flags bit 0 max, bit 1 shared (threads), bit 2 memory64. */
  readMemoryType(): MemoryType {
    const r = this.r;
    const offset = r.offset;
    const flags = r.readU8('memory limits flags');
    if (flags > 7) {
      r.fail('ERR_BAD_VALUE', `bad memory limits flags 0x${hex(flags)} (expected 0x00 to 0x07)`, offset);
    }
    const index64 = (flags & 4) !== 0;
    const shared = (flags & 2) !== 0;
    const minimum = index64 ? r.readU64('a memory minimum') : r.readU32('a memory minimum');
    const maximum = flags & 1 ? (index64 ? r.readU64('a memory maximum') : r.readU32('a memory maximum')) : null;
    if (shared) this.features.add('threads');
    if (index64) this.features.add('memory64');
    return { minimum, maximum, shared, index64 };
  }

  readGlobalType(): GlobalType {
    const type = this.readValType();
    const mutable = this.readMutability();
    return { type, mutable };
  }

  /** A function type by index, for imports, tags and exports. */
  funcType(typeIndex: number, offset: number, what: string): FuncType {
    const t = this.types[typeIndex];
    if (t === undefined) {
      this.r.fail(
        'ERR_BAD_VALUE',
        `${what} uses type ${typeIndex}, but the module has ${this.types.length} types`,
        offset,
      );
    }
    if (t.kind !== 'func') {
      this.r.fail(
        'ERR_BAD_TYPE',
        `${what} uses type ${typeIndex}, a ${t.kind} type (expected a function type)`,
        offset,
      );
    }
    return t;
  }

  // ---- sections: https://webassembly.github.io/spec/core/binary/modules.html ----

  readImportSection(): void {
    const r = this.r;
    const count = r.readCount('imports', MAX_IMPORTS, 4);
    for (let i = 0; i < count; i++) {
      const module = r.readName('an import module name');
      const name = r.readName('an import name');
      const kindOffset = r.offset;
      const kind = r.readU8('an import kind');
      let desc: ExternType;
      switch (kind) {
        case 0x00: {
          const offset = r.offset;
          const typeIndex = r.readU32('a type index');
          desc = { kind: 'func', typeIndex, type: this.funcType(typeIndex, offset, `import "${module}"."${name}"`) };
          this.importedFunctionTypes.push(typeIndex);
          this.importedFunctionCount++;
          break;
        }
        case 0x01: {
          const type = this.readTableType();
          desc = { kind: 'table', type };
          this.tableSpace.push(type);
          this.importedTableCount++;
          break;
        }
        case 0x02: {
          const type = this.readMemoryType();
          desc = { kind: 'memory', type };
          this.memorySpace.push(type);
          this.importedMemoryCount++;
          break;
        }
        case 0x03: {
          const type = this.readGlobalType();
          if (type.mutable) this.features.add('mutable-globals');
          desc = { kind: 'global', type };
          this.globalSpace.push(type);
          this.importedGlobalCount++;
          break;
        }
        case 0x04: {
          const { typeIndex, type } = this.readTagType(`tag import "${module}"."${name}"`);
          desc = { kind: 'tag', typeIndex, type };
          this.tagSpace.push(typeIndex);
          this.importedTagCount++;
          break;
        }
        default:
          desc = r.fail(
            'ERR_BAD_VALUE',
            `import "${module}"."${name}" has unknown kind 0x${hex(kind)} (expected 0 func, 1 table, 2 memory, 3 global or 4 tag)`,
            kindOffset,
          );
      }
      this.imports.push({ module, name, desc });
    }
    this.checkSpaces();
  }

  /** Exception-handling proposal: a tag type is an attribute byte 0x00 (exception) then a function type index. */
  readTagType(what: string): { typeIndex: number; type: FuncType } {
    const r = this.r;
    const offset = r.offset;
    const attribute = r.readU8('a tag attribute');
    if (attribute !== 0)
      r.fail('ERR_BAD_VALUE', `${what}: bad tag attribute 0x${hex(attribute)} (expected 0x00)`, offset);
    const indexOffset = r.offset;
    const typeIndex = r.readU32('a tag type index');
    this.features.add('exceptions');
    return { typeIndex, type: this.funcType(typeIndex, indexOffset, what) };
  }

  /** Functions in the index space, imported ones included. */
  get functionCount(): number {
    return this.importedFunctionTypes.length + this.functions.length;
  }

  /** The type index of function `index` of the index space, or undefined when there is none. */
  functionTypeIndex(index: number): number | undefined {
    const imported = this.importedFunctionTypes.length;
    return index < imported ? this.importedFunctionTypes[index] : this.functions[index - imported];
  }

  checkSpaces(): void {
    const r = this.r;
    if (this.functionCount > MAX_FUNCTIONS)
      r.fail('ERR_LIMIT', `more than ${MAX_FUNCTIONS} functions, more than V8 accepts`);
    if (this.tableSpace.length > MAX_TABLES)
      r.fail('ERR_LIMIT', `more than ${MAX_TABLES} tables, more than V8 accepts`);
    if (this.memorySpace.length > MAX_MEMORIES)
      r.fail('ERR_LIMIT', `more than ${MAX_MEMORIES} memories, more than V8 accepts`);
    if (this.globalSpace.length > MAX_GLOBALS)
      r.fail('ERR_LIMIT', `more than ${MAX_GLOBALS} globals, more than V8 accepts`);
    if (this.tagSpace.length > MAX_TAGS) r.fail('ERR_LIMIT', `more than ${MAX_TAGS} tags, more than V8 accepts`);
    if (this.tableSpace.length > 1) this.features.add('reference-types');
    if (this.memorySpace.length > 1) this.features.add('multi-memory');
  }

  readFunctionSection(): void {
    const r = this.r;
    const count = r.readCount('functions', MAX_FUNCTIONS);
    // A typed array made at its size: pushing 620,000 type indexes, as this did into two arrays,
    // took 80-150 ms of pandoc's parse in copies as they grew, and GC. Typed, its 4 bytes a function
    // are off the JS heap: as an array (8 bytes each) it was 1 MiB of clang's old generation and
    // 4.7 MiB of pandoc's, marked by every full GC of the run and enough to keep clang's above the
    // 8 MiB from which V8 starts incremental marking.
    const functions = new Uint32Array(count);
    const types = this.types;
    for (let i = 0; i < count; i++) {
      const offset = r.offset;
      const typeIndex = r.readU32('a type index');
      const type = types[typeIndex];
      if (type === undefined || type.kind !== 'func') {
        this.funcType(typeIndex, offset, `function ${this.importedFunctionCount + i}`); // throws
      }
      functions[i] = typeIndex;
    }
    this.functions = functions;
    this.checkSpaces();
  }

  /** Tables, including the typed-function-references form 0x40 0x00 tabletype expr (a table with an initializer). */
  readTableSection(): void {
    const r = this.r;
    const count = r.readCount('tables', MAX_TABLES);
    for (let i = 0; i < count; i++) {
      let type: TableType;
      if (r.peekU8('a table type') === 0x40) {
        const offset = r.offset;
        r.offset++;
        const reserved = r.readU8('a reserved byte');
        if (reserved !== 0)
          r.fail('ERR_BAD_VALUE', `bad table initializer prefix 0x40 0x${hex(reserved)} (expected 0x40 0x00)`, offset);
        type = this.readTableType();
        this.readConstExpr('a table initializer');
      } else {
        type = this.readTableType();
      }
      this.tables.push(type);
      this.tableSpace.push(type);
    }
    this.checkSpaces();
  }

  readMemorySection(): void {
    const r = this.r;
    const count = r.readCount('memories', MAX_MEMORIES, 2);
    for (let i = 0; i < count; i++) {
      const type = this.readMemoryType();
      this.memories.push(type);
      this.memorySpace.push(type);
    }
    this.checkSpaces();
  }

  readTagSection(): void {
    const r = this.r;
    const count = r.readCount('tags', MAX_TAGS, 2);
    for (let i = 0; i < count; i++) {
      const { typeIndex } = this.readTagType(`tag ${this.tagSpace.length}`);
      this.tags.push(typeIndex);
      this.tagSpace.push(typeIndex);
    }
    this.features.add('exceptions');
    this.checkSpaces();
  }

  readGlobalSection(): void {
    const r = this.r;
    const count = r.readCount('globals', MAX_GLOBALS, 3);
    for (let i = 0; i < count; i++) {
      const type = this.readGlobalType();
      this.readConstExpr('a global initializer');
      this.globals.push(type);
      this.globalSpace.push(type);
    }
    this.checkSpaces();
  }

  /** Skips a constant expression by decoding it (const-expr.ts). */
  readConstExpr(what: string): void {
    readConstExpr(this.r, this.features, what);
  }

  readExportSection(): void {
    const r = this.r;
    const count = r.readCount('exports', MAX_EXPORTS, 3);
    for (let i = 0; i < count; i++) {
      const name = r.readName('an export name');
      const kindOffset = r.offset;
      const kind = r.readU8('an export kind');
      const indexOffset = r.offset;
      const index = r.readU32('an export index');
      const desc = this.externAt(kind, index, name, kindOffset, indexOffset);
      if (desc.kind === 'global' && desc.type.mutable) this.features.add('mutable-globals');
      this.exports.push({ name, index, desc });
    }
  }

  /** Resolves an index in one of the index spaces (imports first) to its type. */
  externAt(kind: number, index: number, name: string, kindOffset: number, indexOffset: number): ExternType {
    const r = this.r;
    const outOfRange = (what: string, count: number): never =>
      r.fail(
        'ERR_BAD_VALUE',
        `export "${name}" refers to ${what} ${index}, but the module has ${count} ${what}s`,
        indexOffset,
      );
    switch (kind) {
      case 0x00: {
        const typeIndex = this.functionTypeIndex(index);
        if (typeIndex === undefined) return outOfRange('function', this.functionCount);
        return { kind: 'func', typeIndex, type: this.types[typeIndex] as FuncType };
      }
      case 0x01: {
        const type = this.tableSpace[index];
        if (type === undefined) return outOfRange('table', this.tableSpace.length);
        return { kind: 'table', type };
      }
      case 0x02: {
        const type = this.memorySpace[index];
        if (type === undefined) return outOfRange('memory', this.memorySpace.length);
        return { kind: 'memory', type };
      }
      case 0x03: {
        const type = this.globalSpace[index];
        if (type === undefined) return outOfRange('global', this.globalSpace.length);
        return { kind: 'global', type };
      }
      case 0x04: {
        const typeIndex = this.tagSpace[index];
        if (typeIndex === undefined) return outOfRange('tag', this.tagSpace.length);
        return { kind: 'tag', typeIndex, type: this.types[typeIndex] as FuncType };
      }
      default:
        return r.fail(
          'ERR_BAD_VALUE',
          `export "${name}" has unknown kind 0x${hex(kind)} (expected 0 func, 1 table, 2 memory, 3 global or 4 tag)`,
          kindOffset,
        );
    }
  }

  readStartSection(): void {
    const r = this.r;
    const offset = r.offset;
    const index = r.readU32('the start function index');
    if (index >= this.functionCount) {
      r.fail(
        'ERR_BAD_VALUE',
        `the start function is ${index}, but the module has ${this.functionCount} functions`,
        offset,
      );
    }
    this.start = index;
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#element-section: the 8 encodings, flags 0 to 7. */
  readElementSection(): void {
    const r = this.r;
    const count = r.readCount('element segments', MAX_ELEMENT_SEGMENTS);
    for (let i = 0; i < count; i++) {
      const offset = r.offset;
      const flags = r.readU32('element segment flags');
      if (flags > 7) r.fail('ERR_BAD_VALUE', `element segment ${i} has flags ${flags} (expected 0 to 7)`, offset);
      const isPassiveOrDeclarative = (flags & 1) !== 0;
      const hasTableIndex = (flags & 2) !== 0 && !isPassiveOrDeclarative;
      const usesExpressions = (flags & 4) !== 0;
      if (hasTableIndex) r.readU32('a table index');
      if (!isPassiveOrDeclarative) this.readConstExpr('an element segment offset');
      if (isPassiveOrDeclarative || hasTableIndex) {
        if (usesExpressions) this.readRefType('an element type');
        else {
          const kindOffset = r.offset;
          const elemKind = r.readU8('an element kind');
          if (elemKind !== 0)
            r.fail(
              'ERR_BAD_VALUE',
              `element segment ${i} has element kind 0x${hex(elemKind)} (expected 0x00 funcref)`,
              kindOffset,
            );
        }
      }
      const n = r.readCount('elements in an element segment', MAX_SEGMENT_ELEMENTS);
      if (usesExpressions) {
        for (let j = 0; j < n; j++) this.readConstExpr('an element expression');
      } else {
        for (let j = 0; j < n; j++) r.readU32('a function index');
      }
      if (isPassiveOrDeclarative) this.features.add('bulk-memory');
      if (usesExpressions || hasTableIndex) this.features.add('reference-types');
    }
    this.elementCount = count;
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#code-section: bodies are skipped by their sizes. */
  readCodeSection(): void {
    const r = this.r;
    const countOffset = r.offset;
    const count = r.readCount('function bodies', MAX_FUNCTIONS);
    if (count !== this.functions.length) {
      r.fail(
        'ERR_COUNT_MISMATCH',
        `the code section has ${count} function bodies but the function section declares ${this.functions.length} functions`,
        countOffset,
      );
    }
    if (this.walkBodies) {
      for (let i = 0; i < count; i++) {
        const offset = r.offset;
        const size = r.readU32('a function body size');
        if (size > MAX_FUNCTION_SIZE) {
          r.fail(
            'ERR_LIMIT',
            `function body ${i} is ${size} bytes, more than V8 accepts (${MAX_FUNCTION_SIZE})`,
            offset,
          );
        }
        if (size === 0)
          r.fail('ERR_BAD_VALUE', `function body ${i} is empty (it needs at least its locals and end)`, offset);
        if (size > r.remaining) r.failEof(`function body ${i}`, r.end);
        r.offset += size;
      }
    } else {
      // V8 reads each body as it compiles them (parseCompiledModule).
      r.offset = r.end;
    }
    this.codeCount = count;
    this.hasCodeSection = true;
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#data-section: flags 0 active, 1 passive, 2 active with memory index. */
  readDataSection(): void {
    const r = this.r;
    const count = r.readCount('data segments', MAX_DATA_SEGMENTS);
    for (let i = 0; i < count; i++) {
      const offset = r.offset;
      const flags = r.readU32('data segment flags');
      if (flags > 2) r.fail('ERR_BAD_VALUE', `data segment ${i} has flags ${flags} (expected 0, 1 or 2)`, offset);
      if (flags === 2) r.readU32('a memory index');
      if (flags !== 1) this.readConstExpr('a data segment offset');
      else this.features.add('bulk-memory');
      const size = r.readU32('a data segment size');
      if (size > r.remaining) r.failEof(`data segment ${i}`, r.end);
      r.offset += size;
    }
    this.dataSegmentCount = count;
  }

  /** https://webassembly.github.io/spec/core/binary/modules.html#custom-section: a name, then bytes we keep as a view. */
  readCustomSection(end: number): string {
    const r = this.r;
    const name = r.readName('a custom section name');
    const offset = r.offset;
    const data = this.bytes.subarray(offset, end);
    r.offset = end;
    this.customSections.push({ name, data, offset });
    if (name === 'name' && this.nameSectionData === null) this.nameSectionData = data;
    return name;
  }
}

/**
 * Parses a WebAssembly binary's sections and declarations without decoding code bodies.
 *
 * @returns a `ModuleInfo` whose `customSections[i].data` are views into `bytes` (no copy); its `names` (the
 *   name section) is decoded on first read, so `bytes` must not change before then.
 * @throws WasmParseError when the bytes are not a well-formed module: `ERR_BAD_MAGIC`, `ERR_BAD_VERSION`,
 *   `ERR_UNEXPECTED_EOF`, `ERR_BAD_LEB`, `ERR_BAD_SECTION` (unknown id), `ERR_SECTION_ORDER` (misplaced or
 *   duplicate section), `ERR_SECTION_SIZE`, `ERR_BAD_TYPE`, `ERR_BAD_UTF8`, `ERR_BAD_VALUE`, `ERR_LIMIT` (beyond
 *   V8's limits), `ERR_COUNT_MISMATCH` (function/code or data count/data disagree). `offset` is where reading failed.
 *   Validation (type checking code) is V8's job: a parsed module may still fail to compile.
 * @throws ArgumentError `ERR_ARG_TYPE` when `bytes` is not a Uint8Array.
 */
export function parseModule(bytes: Uint8Array): ModuleInfo {
  if (!(bytes instanceof Uint8Array)) {
    // A JS caller handing an ArrayBuffer would otherwise get a misleading "bad magic".
    const got =
      bytes === null ? 'null' : typeof bytes === 'object' ? (bytes as object).constructor?.name : typeof bytes;
    throw new ArgumentError(
      'ERR_ARG_TYPE',
      `parseModule takes a Uint8Array, got ${got} (wrap an ArrayBuffer with new Uint8Array(buffer))`,
    );
  }
  return new ModuleParser(bytes).parse();
}

/**
 * `parseModule` for bytes V8 compiles too (or compiled before, for a cache hit): the code
 * section's bodies are skipped whole, not one by one. Their sizes are what V8 checks again
 * as it compiles, and a module V8 refuses is reported with V8's error, so reading them found
 * nothing more, and took 13-25 ms of clang's 72 MiB start (133,398 bodies) on the main thread:
 * the whole parse of it now takes 1-9 ms, against 20-34.
 * Everything else is read and checked as `parseModule` does; the result is the same.
 */
export function parseCompiledModule(bytes: Uint8Array): ModuleInfo {
  return new ModuleParser(bytes, false).parse();
}
