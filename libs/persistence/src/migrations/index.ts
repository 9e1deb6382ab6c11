import type { Migration } from 'kysely';
import * as eventStore from './1763700000000-event-store.js';
import * as coverageReadModel from './1763800000000-coverage-read-model.js';
import * as appendMultiple from './1763900000000-append-multiple.js';
import * as hashChain from './1764000000000-hash-chain.js';
import * as bitemporalCoverage from './1764100000000-bitemporal-coverage.js';
import * as organizingReadModels from './1764200000000-organizing-read-models.js';
import * as membershipRetained from './1764400000000-membership-retained.js';
import * as appendBatch from './1764500000000-append-batch.js';
import * as coverageRollup from './1764600000000-coverage-rollup.js';
import * as appendBatchSetClaims from './1764700000000-append-batch-set-claims.js';
import * as rollupMonths from './1764800000000-rollup-months.js';
import * as membershipPolicies from './1764300000000-membership-policies.js';
import * as projectionFailures from './1764900000000-projection-failures.js';
import * as personalDataKeys from './1765000000000-personal-data-keys.js';
import * as leastPrivilege from './1765100000000-least-privilege.js';
import * as staffRollup from './1765200000000-staff-rollup.js';
import * as chainVerifications from './1765300000000-chain-verifications.js';
import * as logMirror from './1765400000000-log-mirror.js';
import * as appendPlansCached from './1765500000000-append-plans-cached.js';

/**
 * Every migration, by name. Names start with the epoch milliseconds of their
 * creation so that they sort in the order they must run. Listed statically
 * (not read from the folder) so the same list works compiled, under Jest and
 * in a bundle.
 */
export const migrations: Record<string, Migration> = {
  '1763700000000-event-store': eventStore,
  '1763800000000-coverage-read-model': coverageReadModel,
  '1763900000000-append-multiple': appendMultiple,
  '1764000000000-hash-chain': hashChain,
  '1764100000000-bitemporal-coverage': bitemporalCoverage,
  '1764200000000-organizing-read-models': organizingReadModels,
  '1764400000000-membership-retained': membershipRetained,
  '1764500000000-append-batch': appendBatch,
  '1764600000000-coverage-rollup': coverageRollup,
  '1764300000000-membership-policies': membershipPolicies,
  '1764700000000-append-batch-set-claims': appendBatchSetClaims,
  '1764800000000-rollup-months': rollupMonths,
  '1764900000000-projection-failures': projectionFailures,
  '1765000000000-personal-data-keys': personalDataKeys,
  '1765100000000-least-privilege': leastPrivilege,
  '1765200000000-staff-rollup': staffRollup,
  '1765300000000-chain-verifications': chainVerifications,
  '1765400000000-log-mirror': logMirror,
  '1765500000000-append-plans-cached': appendPlansCached,
};
