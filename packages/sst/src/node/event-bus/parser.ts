/**
 * The validator shapes `createEventBuilder` accepts, and how an event's input and output
 * types are read from them: zod and valibot carry both; plain functions, myzod,
 * superstruct, yup and scale-ts schemas give one type for both.
 */
export type ParserZodEsque<TInput, TParsed> = { _input: TInput; _output: TParsed };
export type ParserValibotEsque<TInput, TParsed> = { _types?: { input: TInput; output: TParsed } };
export type ParserMyZodEsque<T> = { parse: (input: any) => T };
export type ParserSuperstructEsque<T> = { create: (input: unknown) => T };
export type ParserCustomValidatorEsque<T> = (input: unknown) => Promise<T> | T;
export type ParserYupEsque<T> = { validateSync: (input: unknown) => T };
export type ParserScaleEsque<T> = { assert(value: unknown): asserts value is T };

export type ParserWithoutInput<T> =
  | ParserCustomValidatorEsque<T>
  | ParserMyZodEsque<T>
  | ParserScaleEsque<T>
  | ParserSuperstructEsque<T>
  | ParserYupEsque<T>;

export type ParserWithInputOutput<TInput, TParsed> = ParserZodEsque<TInput, TParsed> | ParserValibotEsque<TInput, TParsed>;

export type Parser = ParserWithInputOutput<any, any> | ParserWithoutInput<any>;

export type inferParser<P extends Parser> =
  P extends ParserWithInputOutput<infer In, infer Out>
    ? { in: In; out: Out }
    : P extends ParserWithoutInput<infer InOut>
      ? { in: InOut; out: InOut }
      : never;
