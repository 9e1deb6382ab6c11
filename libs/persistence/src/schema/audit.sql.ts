/*
 * The auditors' own records beside the log (docs/audit.md).
 */

/**
 * What each `npm run cli -- verify` run reported about the hash chain (read
 * by GET /api/chain): a record of when the chain was last checked, not a
 * proof of anything — whoever can write the database could write a row.
 */
export const CHAIN_VERIFICATIONS = `
create table chain_verifications (
  id bigint generated always as identity primary key,
  verified_at timestamptz not null default now(),
  verified_by text not null,
  ok boolean not null,
  events_checked bigint not null,
  head_position bigint,
  head_hash text,
  anchors_checked integer not null,
  failure text
)`;

export const AUDIT_TABLES: readonly string[] = [CHAIN_VERIFICATIONS];
