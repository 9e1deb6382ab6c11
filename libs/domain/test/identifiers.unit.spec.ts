import { creditCodeProblem, isIsoDate, maskResidentId, residentIdProblem } from '../src/index.js';
import { creditCode, residentId } from './spec-helpers.js';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(['914403001922038216', '91440300708461136T', '91350100M000100Y43'])('accepts the real code %s', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
  });
  it('refuses a wrong check character, naming the right one', () => {
    expect(creditCodeProblem('914403001922038217')).toBe('check character should be "6", got "7"');
  });
  it('refuses wrong lengths, letters the standard does not use, and a non-numeric division code', () => {
    expect(creditCodeProblem('91440300192203821')).toMatch(/18 characters/);
    expect(creditCodeProblem('91440300192203821I')).toMatch(/"I"/);
    expect(creditCodeProblem('9144030019220382l6')).toMatch(/"l"/);
    expect(creditCodeProblem('91A40300192203821' + '6')).toMatch(/administrative division/);
    expect(creditCodeProblem(914403001922038216)).toBe('must be a string');
  });
  it('makes valid codes for the specs', () => {
    expect(creditCodeProblem(creditCode(42))).toBeUndefined();
  });
});

describe('resident identity number (GB 11643-1999)', () => {
  it('accepts a valid number, with X as check character', () => {
    expect(residentIdProblem('11010519491231002X')).toBeUndefined();
    expect(residentIdProblem(residentId(7))).toBeUndefined();
  });
  it('refuses a wrong check digit and an impossible birth date', () => {
    expect(residentIdProblem('110105194912310021')).toMatch(/check character should be "X"/);
    expect(residentIdProblem(residentId(7, '19900230'))).toMatch(/real birth date/);
    expect(residentIdProblem(residentId(7, '18991231'))).toMatch(/real birth date/);
    expect(residentIdProblem(residentId(7, '19900230'))).not.toContain('19900230');
    expect(residentIdProblem('11010519491231002')).toMatch(/17 digits/);
  });
  it('is shown masked: first six and last four characters', () => {
    expect(maskResidentId('440307199001010428')).toBe('440307********0428');
  });
});

describe('calendar dates', () => {
  it('accepts real dates written YYYY-MM-DD only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('2023-1-01')).toBe(false);
    expect(isIsoDate('2023-01-01T00:00:00Z')).toBe(false);
  });
});
