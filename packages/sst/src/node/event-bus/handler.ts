/**
 * `EventHandler`: the Lambda handler for events made with `createEventBuilder`. It hands
 * the callback the event's type, validated properties, metadata and how many times the
 * EventBus retrier has re-delivered it (`attempts`, 0 on the first delivery).
 */
import type { EventBridgeEvent } from "aws-lambda";

interface BuiltEvent {
  type: string;
  $output: any;
  $metadata: any;
}

export interface EventPayload<E extends BuiltEvent> {
  type: E["type"];
  properties: E["$output"];
  metadata: E["$metadata"];
  attempts: number;
}

export function EventHandler<Events extends BuiltEvent>(
  _events: Events | Events[],
  cb: (evt: { [K in Events["type"]]: EventPayload<Extract<Events, { type: K }>> }[Events["type"]]) => Promise<void>,
) {
  return async (event: EventBridgeEvent<string, any> & { attempts?: number }) => {
    await cb({
      type: event["detail-type"],
      properties: event.detail?.properties,
      metadata: event.detail?.metadata,
      attempts: event.attempts ?? 0,
    } as any);
  };
}
