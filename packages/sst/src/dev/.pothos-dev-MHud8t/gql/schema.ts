import SchemaBuilder from "@pothos/core";
import { fields } from "./fields";
const builder = new SchemaBuilder<{}>({});
builder.queryType({ fields });
export const schema = builder.toSchema();
