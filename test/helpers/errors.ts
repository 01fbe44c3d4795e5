// Checking what a call threw: one set of helpers instead of a try/catch per file.
import { expect } from 'vitest';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Runs `fn` and returns what it threw, or null when it returned (for tests where both are allowed). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

/** What `fn` threw, checked to be an instance of `errorClass`; fails the test when it returned. */
export function errorOf<E extends Error>(fn: () => unknown, errorClass: ErrorClass<E>, label?: string): E {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) expect.fail(`${label ?? String(fn)}: expected a ${errorClass.name}, nothing was thrown`);
  expect(error, label ?? String(fn)).toBeInstanceOf(errorClass);
  return error as E;
}

/** `errorOf` for a function that may return a promise: what it threw or rejected with. */
export async function errorOfAsync<E extends Error>(
  fn: () => unknown,
  errorClass: ErrorClass<E>,
  label?: string,
): Promise<E> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) expect.fail(`${label ?? String(fn)}: expected a ${errorClass.name}, nothing was thrown`);
  expect(error, label ?? String(fn)).toBeInstanceOf(errorClass);
  return error as E;
}

/** Asserts that `fn` throws an `errorClass` whose `code` is `code`; returns the error for further checks. */
export function expectCode<E extends Error & { code: string }>(
  fn: () => unknown,
  errorClass: ErrorClass<E>,
  code: string,
  label?: string,
): E {
  const error = errorOf(fn, errorClass, label);
  expect(error.code, label ?? String(fn)).toBe(code);
  return error;
}

/** `expectCode` for a function that may return a promise. */
export async function expectCodeAsync<E extends Error & { code: string }>(
  fn: () => unknown,
  errorClass: ErrorClass<E>,
  code: string,
  label?: string,
): Promise<E> {
  const error = await errorOfAsync(fn, errorClass, label);
  expect(error.code, label ?? String(fn)).toBe(code);
  return error;
}
