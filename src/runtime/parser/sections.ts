/**
 * Section ids, names and the order sections must come in
 * (https://webassembly.github.io/spec/core/binary/modules.html#sections; tag: exception-handling proposal).
 */

/** Section ids. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** The largest known section id. */
export const MAX_SECTION_ID = SectionId.tag;

/** The name of each known section, by id. */
export const SECTION_NAMES: readonly string[] = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'datacount',
  'tag',
];

/** Position of each known section id in the required order: tag sits between memory and global, data count before code. */
export const SECTION_RANK: readonly number[] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
