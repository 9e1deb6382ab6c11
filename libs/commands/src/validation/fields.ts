import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export { IsCreditCode, IsIsoDate, IsResidentId } from './validators.js';

/**
 * The field kinds commands are made of, as class-validator decorators. A
 * command's DTO (in its declaration) only refuses what is malformed (400);
 * whether the command is allowed is the domain's to decide.
 */
type FieldDecorator = (target: object, key: string) => void;
const all =
  (...decorators: PropertyDecorator[]): FieldDecorator =>
  (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };

/** An identifier chosen by the federation (area, union, member, campaign…): 1–200 characters. */
export const Id = () => all(IsString(), IsNotEmpty(), MaxLength(200));
/** A name or label: 1–500 characters. */
export const Text = () => all(IsString(), IsNotEmpty(), MaxLength(500));
/** An optional free text: up to 500 characters. */
export const OptionalText = () => all(IsOptional(), IsString(), MaxLength(500));
/** A number of staff. */
export const Headcount = () => all(IsInt(), Min(0), Max(10_000_000));

/** Card numbers: 6–32 letters, digits or hyphens, printed on the card. */
export const CARD_NUMBER = /^[0-9A-Za-z-]{6,32}$/;
export const CardNumber = (): FieldDecorator => (target, key) =>
  all(IsString(), Matches(CARD_NUMBER, { message: `${key} must be 6–32 letters, digits or hyphens` }))(target, key);

/** The envelope every command may carry. */
export abstract class CommandDto {
  @IsString() type!: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) commandId?: string;
  @IsOptional() @IsString() @MaxLength(200) actor?: string;
}
