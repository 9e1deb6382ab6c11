import { seriesDates } from '../src/organizing-coverage/series.js';

describe('the dates of a series', () => {
  it('gives each month, quarter or year end within the range, then the date itself', () => {
    expect(seriesDates('2024-01-15', '2024-04-10', 'month')).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-10']);
    expect(seriesDates('2024-01-01', '2024-12-31', 'quarter')).toEqual(['2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31']);
    expect(seriesDates('2023-05-01', '2024-06-30', 'year')).toEqual(['2023-12-31', '2024-06-30']);
  });

  it('ends at the last day a date can have (9999-12-31) instead of running past it', () => {
    for (const step of ['month', 'quarter', 'year'] as const) expect(seriesDates('9999-12-31', '9999-12-31', step)).toEqual(['9999-12-31']);
    expect(seriesDates('9999-11-15', '9999-12-31', 'month')).toEqual(['9999-11-30', '9999-12-31']);
  });
});
