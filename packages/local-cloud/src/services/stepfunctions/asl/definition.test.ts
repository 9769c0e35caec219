import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkDefinition } from "./definition.js";

const problems = (doc: unknown) => checkDefinition(typeof doc === "string" ? doc : JSON.stringify(doc)).problems.list;

describe("definition checks", () => {
  it("a valid machine with every state type passes", () => {
    assert.deepEqual(problems({
      StartAt: "P", TimeoutSeconds: 60,
      States: {
        P: { Type: "Pass", Next: "C" },
        C: { Type: "Choice", Choices: [{ And: [{ Variable: "$.a", IsPresent: true }, { Not: { Variable: "$.a", StringEquals: "x" } }], Next: "W" }], Default: "M" },
        W: { Type: "Wait", SecondsPath: "$.s", Next: "M" },
        M: { Type: "Map", ItemProcessor: { StartAt: "I", States: { I: { Type: "Pass", End: true } } }, Next: "Par" },
        Par: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: { Type: "Succeed" } } }], Next: "T", Catch: [{ ErrorEquals: ["States.ALL"], Next: "F" }] },
        T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["X"] }, { ErrorEquals: ["States.ALL"] }], Next: "S" },
        S: { Type: "Succeed" },
        F: { Type: "Fail", Error: "E" },
      },
    }), []);
  });
  it("reports each problem as CODE: message at /pointer", () => {
    assert.deepEqual(problems({ StartAt: "A", States: { A: { Type: "Pass", Next: "B", End: true }, B: { Type: "Wait", End: true }, C: { Type: "Nope" } } }), [
      "SCHEMA_VALIDATION_FAILED: Only one of these fields is allowed: [Next, End] at /States/A",
      "SCHEMA_VALIDATION_FAILED: Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath] at /States/B",
      "SCHEMA_VALIDATION_FAILED: The value for the field 'Type' must be one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map at /States/C",
      "UNREACHABLE_STATE: State \"C\" is not reachable. at /States/C",
    ]);
    assert.deepEqual(problems({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Retry: [{ ErrorEquals: ["States.ALL", "X"] }], Catch: [{ ErrorEquals: ["X"], Next: "Gone" }], Bogus: 1, End: true } } }), [
      "SCHEMA_VALIDATION_FAILED: Field 'Bogus' is not supported at /States/T/Bogus",
      "SCHEMA_VALIDATION_FAILED: Retrier with States.ALL must be the last one and must be the only error name in its ErrorEquals at /States/T/Retry/0/ErrorEquals",
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/T/Catch/0/Next",
    ]);
    assert.deepEqual(problems({ StartAt: "P", States: { P: { Type: "Parallel", Branches: [{ StartAt: "X", States: { Y: { Type: "Succeed" } } }], End: true } } }), [
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /States/P/Branches/0/StartAt",
    ]);
    assert.deepEqual(problems({ StartAt: "P", States: { P: { Type: "Pass", Parameters: { ok: { "a.$": "$.a", "b.$": "States.Format('x', )" } }, End: true } } }), [
      "SCHEMA_VALIDATION_FAILED: The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call at /States/P/Parameters/ok/b.$",
    ]);
    assert.match(problems("{nope")[0]!, /^INVALID_JSON_DESCRIPTION: /);
    assert.deepEqual(problems({ StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$.a", Next: "C" }] } } }), ["SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one comparison operator at /States/C/Choices/0"]);
    // A JSONata state takes no JSONPath fields, and its expressions must parse.
    assert.deepEqual(problems({ StartAt: "P", QueryLanguage: "JSONata", States: { P: { Type: "Pass", InputPath: "$.a", Output: "{% $states.input.( %}", End: true } } }), [
      "SCHEMA_VALIDATION_FAILED: Field 'InputPath' is not supported at /States/P/InputPath",
      "SCHEMA_VALIDATION_FAILED: The JSONata expression '$states.input.(' is invalid: Expected \")\" before end of expression at /States/P/Output",
    ]);
    assert.deepEqual(problems({ StartAt: "P", QueryLanguage: "JSONata", States: { P: { Type: "Pass", QueryLanguage: "JSONPath", End: true } } }), [
      "SCHEMA_VALIDATION_FAILED: A JSONPath state is not allowed in a JSONata state machine at /States/P/QueryLanguage",
    ]);
  });
});
