/**
 * `createEventBuilder`: typed events published to a bound EventBus. Each event is a
 * detail type plus a schema; `publish()` validates the properties, wraps them as
 * `{ properties, metadata }` and puts them on the bus with the app's name as source.
 * Publishes made together are sent as one PutEvents call per ten entries.
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { ZodObject, ZodSchema, z } from "zod";
import { useLoader } from "../util/loader.js";
import { EventBus, type EventBusResources } from "./index.js";
import type { inferParser } from "./parser.js";

// Re-exported so that apps emitting declarations need no direct dependency on the SDK.
export type { PutEventsCommandOutput };

/** PutEvents takes at most ten entries. */
const PUT_EVENTS_LIMIT = 10;

async function putEntries(client: EventBridgeClient, entries: PutEventsRequestEntry[]): Promise<(PutEventsCommandOutput | Error)[]> {
  const chunks: PutEventsRequestEntry[][] = [];
  for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) chunks.push(entries.slice(i, i + PUT_EVENTS_LIMIT));
  const settled = await Promise.allSettled(chunks.map((Entries) => client.send(new PutEventsCommand({ Entries }))));
  // Every entry answers with the output (or error) of the call that carried it.
  return entries.map((_, i) => {
    const s = settled[Math.floor(i / PUT_EVENTS_LIMIT)];
    return s.status === "fulfilled" ? s.value : toError(s.reason);
  });
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

export function createEventBuilder<
  Bus extends keyof EventBusResources,
  MetadataFunction extends () => any,
  Validator extends (schema: any) => (input: any) => any,
  MetadataSchema extends Parameters<Validator>[0] | undefined,
>(input: { bus: Bus; metadata?: MetadataSchema; metadataFn?: MetadataFunction; validator: Validator }) {
  const client = new EventBridgeClient({});
  const validator = input.validator;
  const validateMetadata = input.metadata ? validator(input.metadata) : undefined;

  return function event<Type extends string, Schema extends Parameters<Validator>[0]>(type: Type, schema: Schema) {
    type Parsed = inferParser<Schema>;
    type Publish = undefined extends MetadataSchema
      ? (properties: Parsed["in"]) => Promise<PutEventsCommandOutput>
      : (properties: Parsed["in"], metadata: inferParser<Exclude<MetadataSchema, undefined>>["in"]) => Promise<void>;
    const validate = validator(schema);

    async function publish(properties: unknown, metadata?: unknown) {
      const send = useLoader<PutEventsRequestEntry, PutEventsCommandOutput>("sst.bus.publish", (entries) => putEntries(client, entries));
      return send({
        EventBusName: (EventBus as any)[input.bus].eventBusName,
        Source: process.env.SST_APP,
        DetailType: type,
        Detail: JSON.stringify({
          properties: validate(properties),
          metadata: validateMetadata ? validateMetadata(metadata) : input.metadataFn?.(),
        }),
      });
    }

    return {
      publish: publish as Publish,
      type,
      /** Type-only markers: `typeof Events.X.$input` etc. */
      $input: {} as Parsed["in"],
      $output: {} as Parsed["out"],
      $metadata: {} as ReturnType<MetadataFunction>,
    };
  };
}

/** A validator for `createEventBuilder` from a zod schema: parse, throwing on invalid input. */
export function ZodValidator<Schema extends ZodSchema>(schema: Schema): (input: z.input<Schema>) => z.output<Schema> {
  return (input) => schema.parse(input);
}

export type inferEvent<T extends { shape: ZodObject<any> }> = z.infer<T["shape"]>;
