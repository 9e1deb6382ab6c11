import { registerDecorator, type ValidationOptions } from 'class-validator';
import { creditCodeProblem, isIsoDate, residentIdProblem } from '#domain';

function rule(name: string, check: (value: unknown) => string | undefined, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: {
        ...options,
        message: (args) => `${args.property} ${check(args.value) ?? 'is invalid'}`,
      },
      validator: { validate: (value: unknown) => check(value) === undefined },
    });
}

/** A unified social credit code with a correct check character (GB 32100-2015). */
export const IsCreditCode = (options?: ValidationOptions) =>
  rule('isCreditCode', (v) => {
    const problem = creditCodeProblem(v);
    return problem && `is not a unified social credit code: ${problem}`;
  }, options);

/** A resident identity number with a real birth date and a correct check digit (GB 11643-1999). */
export const IsResidentId = (options?: ValidationOptions) =>
  rule('isResidentId', (v) => {
    const problem = residentIdProblem(v);
    // Never echo the number back: it is personal information.
    return problem && `is not a resident identity number: ${problem}`;
  }, options);

/** A calendar date written YYYY-MM-DD. */
export const IsIsoDate = (options?: ValidationOptions) =>
  rule('isIsoDate', (v) => (isIsoDate(v) ? undefined : `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(v)}`), options);
