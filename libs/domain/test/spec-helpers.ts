import { DomainError, creditCodeCheckCharacter, residentIdCheckCharacter } from '../src/index.js';

/** Folds a history: the "given" of a given/when/then spec. */
export function given<S, E>(evolve: (s: S, e: E) => S, initial: S, events: E[]): S {
  return events.reduce(evolve, initial);
}

/** The "then" of a refusal: the decision throws a DomainError with this code. */
export function expectRefusal(decide: () => unknown, code: string, message?: RegExp): void {
  let error: unknown;
  try {
    decide();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  if (message) expect((error as DomainError).message).toMatch(message);
}

/** A valid unified social credit code, different for each n. */
export function creditCode(n: number): string {
  const first17 = `9144030${String(n).padStart(10, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** A valid resident identity number born on the date, different for each n. */
export function residentId(n: number, birth = '19900101'): string {
  const first17 = `440307${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}
