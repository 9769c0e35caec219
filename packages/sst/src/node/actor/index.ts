/**
 * `sst/node/actor`: who is acting in this request (`{ type, properties }`), set with
 * `withActor(actor, cb)` and read with `useActor()` / `assertActor(type)`.
 */
import { createContext } from "../../context/context.js";

interface Definition {
  type: string;
  properties: Record<string, any>;
}

export class WrongActorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WrongActorError";
  }
}

export function createActors<T extends Definition>() {
  type Actors = T | { type: "public"; properties: {} };
  const ctx = createContext<Actors>("Actors");
  return {
    useActor: ctx.use,
    withActor: ctx.with,
    assertActor<K extends Actors["type"]>(type: K) {
      const actor = ctx.use();
      if (actor.type === type) return actor.properties as Extract<Actors, { type: K }>["properties"];
      throw new WrongActorError(`Expected actor type "${type}" but got "${actor.type}"`);
    },
  };
}
