import { test } from "node:test";
import assert from "node:assert/strict";
import { compileFilterPattern, FilterPatternError } from "./filter-pattern.js";

const matches = (pattern: string, message: string) => compileFilterPattern(pattern)(message);

test("empty pattern matches everything", () => {
  assert.equal(matches("", "anything"), true);
});

test("terms must all occur, case-sensitively", () => {
  assert.equal(matches("ERROR user", "ERROR for user 7"), true);
  assert.equal(matches("ERROR user", "ERROR for someone"), false);
  assert.equal(matches("error", "ERROR"), false);
});

test("quoted phrases, optional and excluded terms", () => {
  assert.equal(matches('"Task timed out"', "2024 Task timed out after 3s"), true);
  assert.equal(matches('"Task timed out"', "Task out timed"), false);
  assert.equal(matches("?ERROR ?WARN", "WARN disk"), true);
  assert.equal(matches("?ERROR ?WARN", "INFO ok"), false);
  assert.equal(matches("ERROR -DEBUG", "ERROR in DEBUG"), false);
  assert.equal(matches("ERROR -DEBUG", "ERROR in prod"), true);
});

test("JSON patterns", () => {
  const line = JSON.stringify({ level: "error", latency: 250, user: { id: "u-17" }, ok: false });
  assert.equal(matches('{ $.level = "error" }', line), true);
  assert.equal(matches('{ $.level = "info" }', line), false);
  assert.equal(matches("{ $.latency > 100 && $.user.id = u-* }", line), true);
  assert.equal(matches("{ $.latency < 100 || $.ok IS FALSE }", line), true);
  assert.equal(matches("{ ($.latency < 100) || ($.level != \"error\") }", line), false);
  assert.equal(matches("{ $.missing NOT EXISTS }", line), true);
  assert.equal(matches('{ $.level = "error" }', "not json"), false);
  assert.throws(() => compileFilterPattern("{ $.a === 1 }"), FilterPatternError);
});

test("space-delimited patterns", () => {
  const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /a HTTP/1.0" 404 1534';
  assert.equal(matches("[ip, identity, user, timestamp, request, status_code = 404, bytes]", line), true);
  assert.equal(matches("[ip, identity, user, timestamp, request, status_code = 200, bytes]", line), false);
  assert.equal(matches("[ip = 127.*, ...]", line), true);
});
