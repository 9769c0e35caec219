/** `Config.Secret` and `Config.Parameter`, as SST v2 groups them. */
import { Secret } from "./Secret.js";
import { Parameter } from "./Parameter.js";

export const Config = { Secret, Parameter };
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Config {
  type Secret = import("./Secret.js").Secret;
  type Parameter = import("./Parameter.js").Parameter;
  type ParameterProps = import("./Parameter.js").ParameterProps;
}
