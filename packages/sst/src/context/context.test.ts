import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createContext, memo, ContextNotFoundError } from "./context.js";
import { Handler, useEvent, useContextType, useLambdaContext } from "./handler.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("createContext", () => {
  it("gives each with() its own value, across awaits and concurrent runs", async () => {
    const ctx = createContext<string>("Who");
    const seen: string[] = [];
    await Promise.all(
      ["a", "b", "c"].map((v) =>
        ctx.with(v, async () => {
          await tick();
          seen.push(ctx.use());
        }),
      ),
    );
    assert.deepEqual(seen.sort(), ["a", "b", "c"]);
  });

  it("throws ContextNotFoundError outside with()", () => {
    const ctx = createContext<number>("Missing");
    assert.throws(() => ctx.use(), (e: unknown) => e instanceof ContextNotFoundError && /Missing context was not provided/.test((e as Error).message));
  });

  it("changes version() with every with()", () => {
    const ctx = createContext<number>();
    const a = ctx.with(1, () => ctx.version());
    const b = ctx.with(1, () => ctx.version());
    assert.notEqual(a, b);
  });
});

describe("memo", () => {
  it("computes once per scope of the contexts it reads", async () => {
    const ctx = createContext<string>("Req");
    let runs = 0;
    const useUpper = memo(() => {
      runs++;
      return { v: ctx.use().toUpperCase() };
    });
    const first = await ctx.with("x", async () => {
      const a = useUpper();
      await tick();
      assert.equal(useUpper(), a, "same object within one request");
      return a;
    });
    const second = ctx.with("y", () => useUpper());
    assert.equal(first.v, "X");
    assert.equal(second.v, "Y");
    assert.notEqual(first, second);
    assert.equal(runs, 2);
  });

  it("passes its contexts on to a memo that calls it", () => {
    const ctx = createContext<number>("N");
    const inner = memo(() => ctx.use() * 2);
    let outerRuns = 0;
    const outer = memo(() => {
      outerRuns++;
      return inner() + 1;
    });
    assert.equal(ctx.with(1, () => outer()), 3);
    assert.equal(ctx.with(5, () => outer()), 11, "outer depends on N through inner");
    assert.equal(outerRuns, 2);
  });

  it("a memo that reads no context is computed once per process", () => {
    let runs = 0;
    const once = memo(() => ++runs);
    assert.equal(once(), 1);
    assert.equal(once(), 1);
  });

  it("retries after a failed first run", () => {
    const ctx = createContext<string>("Late");
    const use = memo(() => ctx.use());
    assert.throws(() => use(), ContextNotFoundError);
    assert.equal(ctx.with("ok", () => use()), "ok");
  });
});

describe("Handler", () => {
  it("exposes the event, its type and the Lambda context to hooks", async () => {
    const h = Handler("api", async () => [useContextType(), (useEvent("api") as any).rawPath, useLambdaContext().awsRequestId] as any);
    assert.deepEqual(await h({ rawPath: "/x" } as any, { awsRequestId: "r1" } as any), ["api", "/x", "r1"]);
  });

  it("refuses useEvent of another handler type", async () => {
    const h = Handler("ws", async () => useEvent("api") as any);
    await assert.rejects(h({} as any, {} as any), /Expected api event/);
  });
});
