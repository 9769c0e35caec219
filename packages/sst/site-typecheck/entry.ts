/**
 * The entry points of `sst` that a site's own type-check reaches, type-checked with the
 * compiler options of SST v2's `quickstart-nextjs` (tsconfig.json here): this
 * repository's `sst` is TypeScript source, so `next build` compiles it with the site's
 * options (ES5 target: no `for…of` over a Map, Set or generator, no spread of them),
 * where SST v2's published package gave declaration files. `npm run typecheck` runs it.
 *
 * Not here: `sst/node/config` and `sst/node/auth`, which a target below ES2017 cannot
 * compile at all (their top-level `await`, TS1378); docs/create-sst.md says so.
 */
import type { SSTConfig } from "sst";
export type { SSTConfig };
export * as constructs from "sst/constructs";
export * as context from "sst/context";
export * as actor from "sst/node/actor";
export * as api from "sst/node/api";
export * as bucket from "sst/node/bucket";
export * as eventBus from "sst/node/event-bus";
export * as fn from "sst/node/function";
export * as graphql from "sst/node/graphql";
export * as job from "sst/node/job";
export * as kinesisStream from "sst/node/kinesis-stream";
export * as queue from "sst/node/queue";
export * as rds from "sst/node/rds";
export * as service from "sst/node/service";
export * as site from "sst/node/site";
export * as table from "sst/node/table";
export * as topic from "sst/node/topic";
export * as util from "sst/node/util";
export * as websocketApi from "sst/node/websocket-api";
