import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StatesError } from "./errors.js";
import { Stopped } from "./interpreter.js";
import { output, runMachine } from "./test-machine.js";

const one = (state: object) => ({ StartAt: "S", States: { S: { ...state, End: true } } });

describe("Pass", () => {
  it("applies InputPath, Parameters with paths, context and intrinsics, ResultPath and OutputPath", async () => {
    const ran = await runMachine(one({
      Type: "Pass", InputPath: "$.in", ResultPath: "$.in.out", OutputPath: "$.in",
      Parameters: { "greeting.$": "States.Format('hi {}', $.name)", "state.$": "$$.State.Name", fixed: [1, { "n.$": "$.n" }] },
    }), { in: { name: "ann", n: 2 } });
    assert.deepEqual(output(ran), { name: "ann", n: 2, out: { greeting: "hi ann", state: "S", fixed: [1, { n: 2 }] } });
    assert.deepEqual(ran.events.map((e) => e.type), ["PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
  });
  it("Result replaces the input; ResultPath null keeps it; a path to nothing is States.Runtime", async () => {
    assert.deepEqual(output(await runMachine(one({ Type: "Pass", Result: { a: 1 }, ResultPath: "$.r" }), { x: 1 })), { x: 1, r: { a: 1 } });
    assert.deepEqual(output(await runMachine(one({ Type: "Pass", Result: 5, ResultPath: null }), { x: 1 })), { x: 1 });
    const bad = await runMachine(one({ Type: "Pass", InputPath: "$.missing" }), {});
    assert.equal(bad.outcome.status, "FAILED");
    assert.equal((bad.outcome as any).error, "States.Runtime");
  });
});

describe("Choice", () => {
  const machine = {
    StartAt: "C",
    States: {
      C: {
        Type: "Choice",
        Choices: [
          { And: [{ Variable: "$.n", NumericGreaterThan: 10 }, { Not: { Variable: "$.tag", StringMatches: "skip*" } }], Next: "Big" },
          { Or: [{ Variable: "$.s", StringEqualsPath: "$.other" }, { Variable: "$.flag", BooleanEquals: true }], Next: "Same" },
          { Variable: "$.when", TimestampLessThan: "2020-01-01T00:00:00Z", Next: "Old" },
          { Variable: "$.opt", IsPresent: false, Next: "NoOpt" },
        ],
        Default: "Other",
      },
      Big: { Type: "Pass", Result: "big", End: true },
      Same: { Type: "Pass", Result: "same", End: true },
      Old: { Type: "Pass", Result: "old", End: true },
      NoOpt: { Type: "Pass", Result: "no-opt", End: true },
      Other: { Type: "Pass", Result: "other", End: true },
    },
  };
  it("evaluates And/Or/Not, *Path, StringMatches, Timestamp and IsPresent rules in order", async () => {
    const base = { n: 0, tag: "x", s: "a", other: "b", flag: false, when: "2024-01-01T00:00:00Z", opt: 1 };
    assert.equal(output(await runMachine(machine, { ...base, n: 11 })), "big");
    assert.equal(output(await runMachine(machine, { ...base, n: 11, tag: "skipme" })), "other");
    assert.equal(output(await runMachine(machine, { ...base, other: "a" })), "same");
    assert.equal(output(await runMachine(machine, { ...base, flag: true })), "same");
    assert.equal(output(await runMachine(machine, { ...base, when: "2019-05-05T10:00:00.5+02:00" })), "old");
    const { opt, ...noOpt } = base;
    assert.equal(output(await runMachine(machine, noOpt)), "no-opt");
    assert.equal(output(await runMachine(machine, base)), "other");
  });
  it("type tests, a wrong type is false, and no match without Default is States.NoChoiceMatched", async () => {
    const m = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$.v", NumericEquals: 1, Next: "A" }, { Variable: "$.v", IsNull: true, Next: "A" }, { Variable: "$.v", IsString: true, Next: "B" }] }, A: { Type: "Succeed" }, B: { Type: "Pass", Result: "b", End: true } } };
    assert.equal(output(await runMachine(m, { v: "1" })), "b");
    assert.deepEqual(output(await runMachine(m, { v: null })), { v: null });
    const ran = await runMachine(m, { v: true });
    assert.deepEqual(ran.outcome, { status: "FAILED", error: "States.NoChoiceMatched", cause: "No Matches! (state: C)" });
  });
});

describe("Wait", () => {
  it("waits Seconds, SecondsPath, Timestamp and TimestampPath (scaled), and rejects a bad SecondsPath", async () => {
    for (const w of [{ Seconds: 1 }, { SecondsPath: "$.s" }, { Timestamp: new Date(Date.now() + 1000).toISOString() }, { TimestampPath: "$.t" }]) {
      const ran = await runMachine(one({ Type: "Wait", ...w }), { s: 1, t: new Date(Date.now() + 500).toISOString() });
      assert.equal(ran.outcome.status, "SUCCEEDED");
      assert.deepEqual(ran.events.map((e) => e.type).slice(0, 2), ["WaitStateEntered", "WaitStateExited"]);
    }
    const bad = await runMachine(one({ Type: "Wait", SecondsPath: "$.s" }), { s: "soon" });
    assert.equal((bad.outcome as any).error, "States.Runtime");
  });
});

describe("Succeed and Fail", () => {
  it("Fail ends with its Error and Cause (or their paths)", async () => {
    assert.deepEqual((await runMachine({ StartAt: "F", States: { F: { Type: "Fail", Error: "E", Cause: "why" } } }, {})).outcome, { status: "FAILED", error: "E", cause: "why" });
    assert.deepEqual((await runMachine({ StartAt: "F", States: { F: { Type: "Fail", ErrorPath: "$.e", CausePath: "States.Format('bad {}', $.n)" } } }, { e: "X", n: 3 })).outcome, { status: "FAILED", error: "X", cause: "bad 3" });
    assert.deepEqual(output(await runMachine({ StartAt: "S", States: { S: { Type: "Succeed", OutputPath: "$.a" } } }, { a: [1] })), [1]);
  });
});

describe("Task", () => {
  it("passes Parameters to the runner, then ResultSelector, ResultPath and OutputPath", async () => {
    let seen: unknown;
    const ran = await runMachine(one({
      Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "f", "Payload.$": "$" },
      ResultSelector: { "body.$": "$.Payload.body" }, ResultPath: "$.result",
    }), { a: 1 }, (t) => ((seen = t.parameters), { Payload: { body: "ok" }, StatusCode: 200 }));
    assert.deepEqual(seen, { FunctionName: "f", Payload: { a: 1 } });
    assert.deepEqual(output(ran), { a: 1, result: { body: "ok" } });
    assert.deepEqual(ran.events.map((e) => e.type), ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    assert.equal(ran.events[1]!.details!.resourceType, "lambda");
    assert.equal(ran.events[1]!.details!.resource, "invoke");
  });
  it("retries with backoff per clause, then catches into ResultPath", async () => {
    let calls = 0;
    const ran = await runMachine({
      StartAt: "T",
      States: {
        T: {
          Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:f",
          Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 }, { ErrorEquals: ["States.ALL"], MaxAttempts: 0 }],
          Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Caught" }], End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    }, { x: 1 }, () => {
      calls++;
      throw new StatesError(calls <= 2 ? "Flaky" : "Broken", `call ${calls}`);
    });
    assert.equal(calls, 3);
    assert.deepEqual(output(ran), { x: 1, error: { Error: "Broken", Cause: "call 3" } });
    assert.ok(ran.events.some((e) => e.type === "LambdaFunctionFailed"));
  });
  it("a retry that succeeds continues; $$.State.RetryCount counts", async () => {
    let calls = 0;
    const ran = await runMachine(one({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["States.ALL"] }] }), {}, (t) => {
      if (++calls < 3) throw new StatesError("Lambda.ServiceException", "");
      return { retries: t.context.State!.RetryCount };
    });
    assert.deepEqual(output(ran), { retries: 2 });
  });
  it("TimeoutSeconds fails with States.Timeout, which States.TaskFailed does not catch", async () => {
    const ran = await runMachine(one({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke", TimeoutSeconds: 1, Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "S" }] }), {}, () => new Promise(() => {}));
    assert.deepEqual(ran.outcome, { status: "FAILED", error: "States.Timeout", cause: "" });
    assert.ok(ran.events.some((e) => e.type === "TaskTimedOut"));
  });
  it("HeartbeatSeconds fails with States.HeartbeatTimeout unless the task beats", async () => {
    const state = one({ Type: "Task", Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", HeartbeatSeconds: 1, Parameters: { "token.$": "$$.Task.Token" } });
    const late = await runMachine(state, {}, () => new Promise(() => {}));
    assert.equal((late.outcome as any).error, "States.HeartbeatTimeout");
    const beating = await runMachine(state, {}, (t) => new Promise((resolve) => {
      const timer = setInterval(() => t.heartbeat(), 3);
      setTimeout(() => (clearInterval(timer), resolve({ token: (t.parameters as any).token.slice(0, 2) })), 60);
    }), { timeScale: 0.02 });
    assert.deepEqual(output(beating), { token: "AQ" });
  });
});

describe("Parallel", () => {
  it("runs branches on the same input and answers their outputs in order", async () => {
    const ran = await runMachine(one({
      Type: "Parallel", ResultPath: "$.both",
      Branches: [
        { StartAt: "A", States: { A: { Type: "Pass", InputPath: "$.a", End: true } } },
        { StartAt: "B", States: { B: { Type: "Wait", Seconds: 1, Next: "B2" }, B2: { Type: "Pass", Result: "b", End: true } } },
      ],
    }), { a: 1 });
    assert.deepEqual(output(ran), { a: 1, both: [1, "b"] });
  });
  it("a failing branch fails the state (caught), and stops the other branch", async () => {
    const ran = await runMachine({
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel", Catch: [{ ErrorEquals: ["Boom"], Next: "Done" }], End: true,
          Branches: [
            { StartAt: "F", States: { F: { Type: "Fail", Error: "Boom", Cause: "c" } } },
            { StartAt: "W", States: { W: { Type: "Wait", Seconds: 100, Next: "After" }, After: { Type: "Pass", End: true } } },
          ],
        },
        Done: { Type: "Pass", End: true },
      },
    }, {});
    assert.deepEqual(output(ran), { Error: "Boom", Cause: "c" });
    assert.ok(!ran.events.some((e) => e.details?.name === "After"));
  });
});

describe("Map", () => {
  it("iterates ItemsPath with ItemSelector and $$.Map.Item, under MaxConcurrency", async () => {
    let running = 0, most = 0;
    const ran = await runMachine(one({
      Type: "Map", ItemsPath: "$.items", MaxConcurrency: 2, ResultPath: "$.results",
      ItemSelector: { "value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "prefix.$": "$.prefix" },
      ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", End: true } } },
    }), { prefix: "p", items: ["a", "b", "c", "d"] }, async (t) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      const p = t.parameters as any;
      return `${p.prefix}${p.index}${p.value}`;
    });
    assert.deepEqual((output(ran) as any).results, ["p0a", "p1b", "p2c", "p3d"]);
    assert.equal(most, 2);
    assert.equal(ran.events.filter((e) => e.type === "MapIterationSucceeded").length, 4);
  });
  it("the legacy Iterator/Parameters form, an empty array, and a non-array is States.Runtime", async () => {
    const legacy = one({ Type: "Map", Parameters: { "v.$": "$$.Map.Item.Value" }, Iterator: { StartAt: "P", States: { P: { Type: "Pass", End: true } } } });
    assert.deepEqual(output(await runMachine(legacy, [1, 2])), [{ v: 1 }, { v: 2 }]);
    assert.deepEqual(output(await runMachine(legacy, [])), []);
    assert.equal(((await runMachine(legacy, { no: 1 })).outcome as any).error, "States.Runtime");
  });
  it("a failed iteration fails the Map with its error", async () => {
    const ran = await runMachine(one({ Type: "Map", ItemProcessor: { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 2, Next: "F" }], Default: "OK" }, F: { Type: "Fail", Error: "Two" }, OK: { Type: "Succeed" } } } }), [1, 2, 3]);
    assert.deepEqual(ran.outcome, { status: "FAILED", error: "Two", cause: "" });
  });
});

describe("the execution", () => {
  it("TimeoutSeconds times the execution out", async () => {
    const ran = await runMachine({ TimeoutSeconds: 1, StartAt: "W", States: { W: { Type: "Wait", Seconds: 100, End: true } } }, {});
    assert.equal(ran.outcome.status, "TIMED_OUT");
    assert.equal(ran.events.at(-1)!.type, "ExecutionTimedOut");
  });
  it("aborting the signal stops it (StopExecution's error and cause)", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Stopped("Halt", "user")), 5);
    const ran = await runMachine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 100, End: true } } }, {}, undefined, { signal: stop.signal });
    assert.deepEqual(ran.outcome, { status: "ABORTED", error: "Halt", cause: "user" });
  });
  it("$$ gives the execution's facts", async () => {
    const ran = await runMachine(one({ Type: "Pass", Parameters: { "id.$": "$$.Execution.Id", "input.$": "$$.Execution.Input", "sm.$": "$$.StateMachine.Name" } }), { q: 1 });
    assert.deepEqual(output(ran), { id: "arn:aws:states:us-east-1:000000000000:execution:m:e", input: { q: 1 }, sm: "m" });
  });
});
