import { parseInstant, todayInChina } from '../src/index.js';

describe('instants ("known at") as users write them', () => {
  it('reads an ISO 8601 timestamp with its zone, to the microsecond', () => {
    expect(parseInstant('2024-05-01T10:00:00Z')).toEqual({ literal: '2024-05-01T10:00:00.000000+00:00', date: new Date('2024-05-01T10:00:00Z') });
    expect(parseInstant('2024-05-01T18:00+08:00')?.date.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(parseInstant('2024-05-01T10:00:00.123456Z')?.literal).toBe('2024-05-01T10:00:00.123456+00:00');
    expect(parseInstant('2024-05-01T10:00:00-0500')?.date.toISOString()).toBe('2024-05-01T15:00:00.000Z');
  });

  it('takes a time without a zone as China time, and a bare date as the end of that day in China', () => {
    expect(parseInstant('2023-01-15T18:00:00')?.date.toISOString()).toBe('2023-01-15T10:00:00.000Z');
    expect(parseInstant('2023-01-15')).toEqual({ literal: '2023-01-15T23:59:59.999999+08:00', date: new Date('2023-01-15T15:59:59.999Z') });
  });

  it('refuses anything else', () => {
    for (const bad of ['2024-02-30T10:00:00Z', '2024-05-01T25:00:00Z', '2024-05-01T10:60Z', '2024-5-1', 'yesterday', '', 42, undefined, null]) {
      expect(parseInstant(bad)).toBeUndefined();
    }
  });

  it('knows what day it is in China', () => {
    expect(todayInChina(new Date('2023-12-31T16:30:00Z'))).toBe('2024-01-01');
    expect(todayInChina(new Date('2023-12-31T15:59:00Z'))).toBe('2023-12-31');
  });
});
