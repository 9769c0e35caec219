/**
 * TypeScript types of operation inputs and outputs, derived at compile time from a
 * generated model (src/wire/models/*.ts, declared `as const`): the typed in-process
 * client takes exactly what the service's published model says, with no second copy of
 * the shapes. Models of JSON services carry no output shapes: their outputs are `any`.
 */
import type { ServiceModel } from "./model.js";

type ShapeName<M> = M extends string ? M : M extends { shape: infer N } ? N : never;

type Value<S, N> = N extends keyof S ? ShapeValue<S, S[N]> : unknown;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type Struct<S, Members, Required> = Mutable<
  { [K in keyof Members as K extends Required ? K : never]: Value<S, ShapeName<Members[K]>> } & {
    [K in keyof Members as K extends Required ? never : K]?: Value<S, ShapeName<Members[K]>>;
  }
>;

type ShapeValue<S, Sh> = Sh extends { type: "structure"; document: true }
  ? unknown
  : Sh extends { type: "structure"; members: infer Members }
    ? Struct<S, Members, Sh extends { required: readonly (infer R)[] } ? R : never>
    : Sh extends { type: "list"; member: infer E }
      ? Value<S, ShapeName<E>>[]
      : Sh extends { type: "map"; value: infer V }
        ? Record<string, Value<S, ShapeName<V>>>
        : Sh extends { type: "string"; enum: readonly (infer E)[] }
          ? E
          : Sh extends { type: "string" }
            ? string
            : Sh extends { type: "integer" | "long" | "double" | "float" }
              ? number
              : Sh extends { type: "boolean" }
                ? boolean
                : Sh extends { type: "blob" }
                  ? Uint8Array | string
                  : Sh extends { type: "timestamp" }
                    ? Date | number | string
                    : unknown;

export type OperationName<M extends ServiceModel> = keyof M["operations"] & string;

/** The input of operation `Op` of model `M`. */
export type InputOf<M extends ServiceModel, Op extends OperationName<M>> = M["operations"][Op] extends { input: infer I }
  ? Value<M["shapes"], I>
  : Record<string, never>;

/** The output of operation `Op` of model `M` (any where the model carries no output shape). */
export type OutputOf<M extends ServiceModel, Op extends OperationName<M>> = M["operations"][Op] extends { output: infer O }
  ? Value<M["shapes"], O>
  : any;
