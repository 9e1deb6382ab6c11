import { useQueries } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { Band } from '../../api/types';
import type { Candidate, Gap } from './types';

/**
 * The outreach step (and subdistrict) of every unorganized enterprise of some
 * bands, by credit code. The enterprise list does not carry the step; the gap
 * plan does, and for a target of 100% its candidates are all the unorganized
 * enterprises of the band (needed = active − organized).
 */
export function useStepIndex(areaId: string, asOf: string, bands: readonly Band[]): { index: Map<string, Candidate>; error: unknown } {
  const answers = useQueries({
    queries: bands.map((band) => ({
      queryKey: ['gap', areaId, asOf, band, '1'],
      queryFn: () => get<Gap>('/api/coverage/gap', { areaId, asOf, band, target: 1 }),
    })),
  });
  const index = new Map<string, Candidate>();
  for (const a of answers) for (const s of a.data?.subdistricts ?? []) for (const c of s.candidates) index.set(c.creditCode, c);
  return { index, error: answers.find((a) => a.error)?.error ?? null };
}
