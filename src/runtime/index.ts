export * from './errors.js';
export type * from './parser/types.js';
