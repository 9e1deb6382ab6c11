/**
 * A command broke a rule of the domain. `code` is stable (clients and the
 * docs rely on it); `message` says what and why, in words a cadre understands.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const refuse = (code: string, message: string): never => {
  throw new DomainError(code, message);
};
