/**
 * `inspect` on a component: its world as WIT (imports and exports with the types they
 * use), its core modules with sizes and their own import/export counts, its custom
 * sections (a `producers` section decoded). `--json` gives the same as `ComponentReport`.
 */
import type { Component } from '../runtime/component/component.js';
import type { Producers } from '../runtime/component/producers.js';
import type { ExternType } from '../runtime/component/types.js';
import { hex } from '../runtime/units.js';
import { formatSize, printable } from './format.js';

/** The `--json` document for a component (README "inspect --json"). Keys are stable; new keys may be added. */
export interface ComponentReport {
  readonly file: string;
  readonly format: 'component';
  readonly size: number;
  readonly componentName: string | null;
  /** The component's world, as `component.wit()` prints it. */
  readonly wit: string;
  readonly imports: readonly { readonly name: string; readonly kind: ExternType['kind'] }[];
  readonly exports: readonly { readonly name: string; readonly kind: ExternType['kind'] }[];
  readonly coreModules: readonly {
    readonly index: number;
    /** The nested components holding it, outermost first; empty at the top. */
    readonly path: readonly number[];
    readonly offset: number;
    readonly size: number;
    readonly imports: number;
    readonly exports: number;
    readonly exportNames: readonly string[];
  }[];
  readonly customSections: readonly {
    readonly name: string;
    readonly offset: number;
    readonly size: number;
    readonly producers: Producers | null;
  }[];
}

export function describeComponent(file: string, size: number, component: Component): ComponentReport {
  return {
    file,
    format: 'component',
    size,
    componentName: component.name,
    wit: component.wit(),
    imports: component.imports.map((i) => ({ name: i.name, kind: i.type.kind })),
    exports: component.exports.map((e) => ({ name: e.name, kind: e.type.kind })),
    coreModules: component.coreModules.map((m) => ({
      index: m.index,
      path: m.path,
      offset: m.offset,
      size: m.byteLength,
      imports: m.imports.length,
      exports: m.exports.length,
      exportNames: m.exports.map((e) => e.name),
    })),
    customSections: component.customSections.map((s) => ({
      name: s.name,
      offset: s.offset,
      size: s.data.byteLength,
      producers: s.producers ?? null,
    })),
  };
}

/** The human form of a `ComponentReport`. Colour only when stdout takes it. */
export async function renderComponent(r: ComponentReport): Promise<string> {
  let bold = (s: string) => s;
  const { default: chalk } = await import('chalk');
  if (chalk.level > 0) bold = chalk.bold;
  const out: string[] = [`${bold(r.file)}: WebAssembly component, ${formatSize(r.size)}`];
  if (r.componentName !== null) out.push(`component name: ${printable(r.componentName)}`);
  out.push('', bold(`world (${r.imports.length} imports, ${r.exports.length} exports)`));
  out.push(
    ...r.wit
      .trimEnd()
      .split('\n')
      .map((line) => (line === '' ? '' : `  ${line}`)),
  );
  out.push('', bold(`core modules (${r.coreModules.length})`));
  for (const m of r.coreModules) {
    const where = m.path.length === 0 ? '' : `component ${m.path.join('/')}: `;
    const names = m.exportNames.length === 0 ? '' : ` (${m.exportNames.map(printable).join(', ')})`;
    out.push(
      `  ${where}module ${m.index} at 0x${hex(m.offset, 1)}: ${formatSize(m.size)}, ${m.imports} imports, ${m.exports} exports${names}`,
    );
  }
  out.push('', bold(`custom sections (${r.customSections.length})`));
  for (const s of r.customSections) {
    out.push(`  ${printable(s.name)}: ${formatSize(s.size)}`);
    for (const [field, values] of Object.entries(s.producers ?? {})) {
      const list = values.map((v) => (v.version === '' ? v.name : `${v.name} ${v.version}`)).map(printable);
      out.push(`    ${printable(field)}: ${list.join(', ')}`);
    }
  }
  return `${out.join('\n')}\n`;
}
