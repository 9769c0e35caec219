/**
 * The bounded-work helpers: the wildcard matcher agrees with a regular expression on
 * every pattern and value of a small alphabet, and stays linear where the regular
 * expression backtracks; the JSON depth scan and the regex time budget.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileGlob, globMatch, globMatches } from "./glob.js";
import { jsonNestsDeeperThan } from "./json-depth.js";
import { boundedTest } from "./bounded-regex.js";

/** The backtracking matcher the glob replaces, as the reference for what matches. */
function reference(pattern: string, value: string, questionMark: boolean): boolean {
  let src = "";
  for (const ch of pattern) {
    if (ch === "*") src += "[\\s\\S]*";
    else if (ch === "?" && questionMark) src += "[\\s\\S]";
    else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${src}$`).test(value);
}

/** Every string of the alphabet up to `max` characters. */
function* strings(alphabet: string, max: number): Generator<string> {
  yield "";
  let level = [""];
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

test("the wildcard matcher agrees with a regular expression on every small pattern and value", () => {
  const values = [...strings("ab", 5)];
  let checked = 0;
  for (const pattern of strings("ab*?", 4)) {
    for (const questionMark of [false, true]) {
      const glob = compileGlob(pattern, { questionMark });
      for (const value of [...values, "?", "a?b", "*"]) {
        assert.equal(globMatches(glob, value), reference(pattern, value, questionMark), `${JSON.stringify(pattern)} ~ ${JSON.stringify(value)} (? ${questionMark})`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10_000);
});

test("options: ignoring case, escaped stars and backslashes", () => {
  assert.equal(globMatch("S3:Get*", "s3:getobject", { ignoreCase: true }), true);
  assert.equal(globMatch("S3:Get*", "s3:getobject"), false);
  assert.equal(globMatch("a\\*b*", "a*bcd", { escapes: true }), true);
  assert.equal(globMatch("a\\*b*", "axbcd", { escapes: true }), false);
  assert.equal(globMatch("a\\\\*", "a\\zz", { escapes: true }), true);
  assert.equal(globMatch("a\\x", "a\\x", { escapes: true }), true);
  assert.equal(globMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt"), true);
});

test("patterns that make a regular expression backtrack are matched in linear time", () => {
  const pattern = "*a".repeat(40) + "*b";
  const value = "a".repeat(20_000);
  // The backtracking version of this takes longer than the universe; here it is one pass per piece.
  assert.equal(globMatch(pattern, value), false);
  assert.equal(globMatch(pattern, value + "b"), true);
  assert.equal(globMatch("?*".repeat(30) + "c", "ab".repeat(10_000), { questionMark: true }), false);
});

test("JSON depth is read from the text, strings and escapes skipped", () => {
  assert.equal(jsonNestsDeeperThan("[".repeat(50_000) + "]".repeat(50_000), 1000), true);
  assert.equal(jsonNestsDeeperThan(`{"a":{"b":[1,2,{"c":"[[[[[[\\"[[["}]}}`, 4), false);
  assert.equal(jsonNestsDeeperThan(`{"a":{"b":[1,2,{"c":"x"}]}}`, 3), true);
  assert.equal(jsonNestsDeeperThan(`[[],[],[[]]]`, 2), true);
  assert.equal(jsonNestsDeeperThan(`[[],[],[]]`, 2), false);
});

test("a caller's regular expression runs with a time budget", () => {
  assert.equal(boundedTest(/^[a-z]+$/, "abc"), true);
  assert.equal(boundedTest(/^[a-z]+$/, "ab1"), false);
  assert.equal(boundedTest(/^(a+)+$/, "a".repeat(40) + "!"), "too-slow");
  // The budget does not stay spent: the next test runs normally.
  assert.equal(boundedTest(/^\d+$/, "42"), true);
});
