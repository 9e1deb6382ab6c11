import { hostname, userInfo } from 'node:os';
import { operatorPrincipal, type Principal } from '#domain';

/** Who runs the CLI: the machine's user (who can open the store anyway), recorded as the recorder of what the CLI records. */
export function cliOperator(): Principal {
  return operatorPrincipal(`${userInfo().username}@${hostname()}`);
}
