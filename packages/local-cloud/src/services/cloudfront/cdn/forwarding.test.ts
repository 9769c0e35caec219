import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { asSeenOverTls, originQuery, type Selection } from "./forwarding.js";

const all: Selection = { headers: () => true, cookies: () => true, query: () => true };
const viewer = (query: [string, string][]) => ({ method: "GET", uri: "/", query, headers: {}, cookies: [] });

describe("originQuery", () => {
  it("encodes what a query may not hold, keeps escapes a function wrote, and a lone % is encoded", () => {
    assert.equal(originQuery(viewer([["q", "a b&c"], ["%2Fecho", ""], ["/raw", "x"], ["pct", "100%"]]), all), "q=a%20b%26c&%2Fecho=&/raw=x&pct=100%25");
  });
  it("only the names the policies select", () => {
    assert.equal(originQuery(viewer([["a", "1"], ["b", "2"]]), { ...all, query: (n) => n === "b" }), "b=2");
  });
});

describe("asSeenOverTls", () => {
  it("the distribution's own http origin and referer become https; others and other hosts are untouched", () => {
    const host = "e1.cloudfront.localhost:4570";
    assert.deepEqual(asSeenOverTls({ host, origin: `http://${host}`, referer: `http://${host}/a?b=1` }), { host, origin: `https://${host}`, referer: `https://${host}/a?b=1` });
    assert.deepEqual(asSeenOverTls({ host, origin: "http://other.localhost", referer: `http://${host}.evil/` }), { host, origin: "http://other.localhost", referer: `http://${host}.evil/` });
  });
});
