/**
 * Marks an in-process Lambda Invoke input whose Payload is JSON the local cloud wrote
 * itself (API Gateway's event, a function URL's): Lambda then skips parsing it again to
 * check it is JSON — a whole parse of every event on the Api route's hot path. Only
 * in-process callers can set a symbol key; nothing decoded from HTTP carries one.
 */
export const TRUSTED_JSON_PAYLOAD = Symbol("payload is JSON the local cloud wrote");
