import { createPostgresTestDatabase, describePostgres } from '../../../test/support/databases.js';
import { endpointSuite } from './endpoint.suite.js';

describePostgres('KurrentDB endpoint', () => {
  endpointSuite(createPostgresTestDatabase);
});
