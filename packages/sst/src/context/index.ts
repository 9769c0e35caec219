/** `sst/context`: request contexts, memos and the handler context hooks. */
export { Context, createContext, memo, ContextNotFoundError } from "./context.js";
export * from "./handler.js";
