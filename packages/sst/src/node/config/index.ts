/**
 * `Config.<NAME>`: the value of a bound Config.Secret (fetched from SSM at cold start)
 * or Config.Parameter, plus `Config.APP` and `Config.STAGE`.
 */
import { createProxy, getVariables, resolveSecrets } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface SecretResources {}
export interface ParameterResources {}
export interface ConfigTypes { APP: string; STAGE: string; }

export type ConfigValues =
  & ConfigTypes
  & { [K in keyof SecretResources]: string }
  & { [K in keyof ParameterResources]: string };

function values(): Record<string, string> {
  const out: Record<string, string> = {
    APP: process.env.SST_APP ?? "",
    STAGE: process.env.SST_STAGE ?? "",
  };
  for (const type of ["Parameter", "Secret"]) {
    for (const [id, props] of Object.entries(getVariables(type))) {
      if (props.value !== undefined) out[id] = props.value;
    }
  }
  return out;
}

// Cold start: fetch bound secrets from SSM before the handler runs.
await resolveSecrets();
const snapshot = values();

export const Config: ConfigValues = /* @__PURE__ */ createProxy<ConfigValues>("Config", () => snapshot);
