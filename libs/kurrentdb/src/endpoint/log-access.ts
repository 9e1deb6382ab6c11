/**
 * Who may do what through the KurrentDB endpoint. The endpoint knows nothing
 * of tokens, roles or areas: the application gives it a LogAccess (built on
 * the same tokens and scope as the HTTP API, docs/kurrentdb.md).
 */
export interface LogCaller {
  /** Whether the caller may read the log at all (else every read is refused: access denied). */
  readonly reads: boolean;
  /**
   * Whether the events of a stream are within the caller's scope: a stream
   * read of another stream is refused (access denied); a read of `$all`
   * passes over its events.
   */
  canSee(streamId: string): Promise<boolean>;
  /** Why the caller may not append to the stream (access denied, with this reason), or undefined when it may. */
  appendRefusal(streamId: string): string | undefined;
}

export interface LogCredentials {
  readonly username: string;
  readonly password: string;
}

export interface LogAccess {
  /**
   * The caller the credentials name, or undefined when they name nobody (no
   * credentials, a wrong or revoked token, an address refused for too many
   * failures…). `peer` is the caller's address (without its port).
   */
  authenticate(credentials: LogCredentials | undefined, peer: string): Promise<LogCaller | undefined>;
}
