import type { StreamAppend } from '#event-store';
import type { PersonalDataVault } from '#personal-data';

/** The appends with every personal field sealed with its person's key (one vault round trip for all of them). */
export async function sealAppends<A extends StreamAppend>(vault: PersonalDataVault, appends: readonly A[]): Promise<A[]> {
  const sealed = await vault.sealAll(appends.flatMap((a) => a.events));
  let k = 0;
  return appends.map((a) => ({ ...a, events: a.events.map(() => sealed[k++]!) }));
}
