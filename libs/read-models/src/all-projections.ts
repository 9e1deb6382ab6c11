import { coverageProjection } from './organizing-coverage/coverage.projection.js';
import { organizingProjection } from './organizing-work/organizing.projection.js';

/** Every read model's projection: what the runner keeps current, and what rebuild and verify replay. */
export const ALL_PROJECTIONS = [coverageProjection, organizingProjection];
