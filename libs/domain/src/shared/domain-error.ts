/**
 * A command broke a rule of the domain. `code` is stable (clients and the
 * docs rely on it); `message` says what and why, in words a cadre understands.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: string,
    message: string,
    /**
     * A fuller message naming a member the refusal is about, to be told only
     * to a caller whose area holds that member (docs/access.md).
     */
    readonly disclosure?: { readonly memberId: string; readonly message: string },
  ) {
    super(message);
  }
}

export const refuse = (code: string, message: string, disclosure?: DomainError['disclosure']): never => {
  throw new DomainError(code, message, disclosure);
};
