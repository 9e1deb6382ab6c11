/**
 * The unified social credit code (统一社会信用代码), GB 32100-2015: 18
 * characters — registration authority, organisation type, 6-digit
 * administrative division, 9-character organisation code, check character —
 * over an alphabet of 31 characters (no I, O, S, V, Z).
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) throw new Error(`"${first17[i]}" is not a credit-code character`);
    sum += value * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Why the code is not a valid unified social credit code, or undefined if it is. */
export function creditCodeProblem(code: unknown): string | undefined {
  if (typeof code !== 'string') return 'must be a string';
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  for (const ch of code) {
    if (!ALPHABET.includes(ch)) return `contains "${ch}", which GB 32100-2015 does not use (upper case, no I, O, S, V, Z)`;
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'characters 3–8 must be the administrative division code (digits)';
  const expected = creditCodeCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) return `check character should be "${expected}", got "${code[17]}"`;
  return undefined;
}

export const isCreditCode = (code: unknown): code is string => creditCodeProblem(code) === undefined;
