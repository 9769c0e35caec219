import { builder } from "./builder";

import "./types/article";

export const schema = builder.toSchema({});
