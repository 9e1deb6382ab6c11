import { ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

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

/**
 * What each kind of text may hold (docs/domain.md, "Text and ids"). An id
 * (area, union, member, campaign…) is 1–200 characters of any script, none
 * of them a space or an invisible character (controls, format characters,
 * unassigned code points, unpaired surrogates): what a cadre types or a
 * system prints, and what reads back the same. A name or label holds no
 * control character; a free text may also hold tabs and line breaks.
 */
export const ID_PATTERN = /^[^\s\p{C}]{1,200}$/u;
const NO_CONTROL = /^\P{Cc}*$/u;
const NO_CONTROL_BUT_TAB_OR_LINE_BREAK = /^(?:[\t\n\r]|\P{Cc})*$/u;
const idMessage = (key: string) => `${key} must be 1–200 characters, without spaces or invisible characters`;

/** An identifier chosen by the federation (area, union, member, campaign…). */
export const Id = (): FieldDecorator => (target, key) => all(IsString(), Matches(ID_PATTERN, { message: idMessage(key) }))(target, key);
/** A name or label: 1–500 characters, no control character. */
export const Text = (): FieldDecorator => (target, key) =>
  all(IsString(), IsNotEmpty(), MaxLength(500), Matches(NO_CONTROL, { message: `${key} must not contain control characters` }))(target, key);
/** An optional free text: up to 500 characters; tabs and line breaks, but no other control character. */
export const OptionalText = (): FieldDecorator => (target, key) =>
  all(IsOptional(), IsString(), MaxLength(500), Matches(NO_CONTROL_BUT_TAB_OR_LINE_BREAK, { message: `${key} must not contain control characters other than tabs and line breaks` }))(target, key);
/** A list of names or labels (each as Text), up to `max` of them. */
export const TextList = (max: number): FieldDecorator => (target, key) =>
  all(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(500, { each: true }),
    Matches(NO_CONTROL, { each: true, message: `each of ${key} must be a text without control characters` }),
  )(target, key);
/** A number of staff. */
export const Headcount = () => all(IsInt(), Min(0), Max(10_000_000));

/** Card numbers: 6–32 letters, digits or hyphens, printed on the card. */
export const CARD_NUMBER = /^[0-9A-Za-z-]{6,32}$/;
export const CardNumber = (): FieldDecorator => (target, key) =>
  all(IsString(), Matches(CARD_NUMBER, { message: `${key} must be 6–32 letters, digits or hyphens` }))(target, key);

/**
 * The envelope every command may carry. A `commandId` may hold spaces (the
 * importer derives ids from file names), no control character.
 */
export abstract class CommandDto {
  @IsString() type!: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) @Matches(NO_CONTROL, { message: 'commandId must not contain control characters' }) commandId?: string;
  @IsOptional() @IsString() @MaxLength(200) @Matches(NO_CONTROL, { message: 'actor must not contain control characters' }) actor?: string;
}
