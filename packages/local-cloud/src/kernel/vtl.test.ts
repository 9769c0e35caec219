/**
 * The shared VTL engine on its own: `#return`, errors thrown by helpers, a template that
 * does not parse, the shared `$util` helpers, and the Java methods templates call on
 * strings, lists and maps.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coreUtil, renderVtl, VtlError } from "./vtl.js";

test("#return stops the template with a value; a helper's VtlError fails it; a broken template is a MappingTemplate error", () => {
  assert.deepEqual(renderVtl('before#return({"a": 1})after', {}), { output: "", returned: { value: { a: 1 } } });
  assert.deepEqual(renderVtl("#return", {}).returned, { value: null });
  const fail = () => {
    throw new VtlError("nope", "Custom", { d: 1 });
  };
  assert.deepEqual(renderVtl("x$h.fail()", { h: { fail } }).error, { message: "nope", type: "Custom", data: { d: 1 }, info: undefined });
  assert.equal(renderVtl("#foreach(", {}).error?.type, "MappingTemplate");
});

test("the shared $util helpers", () => {
  const util = coreUtil();
  const out = renderVtl(`$util.escapeJavaScript("a'b\\"c")|$util.urlEncode("a b/~*")|$util.urlDecode("a+b%2F")|$util.base64Encode("é")|$util.base64Decode("w6k=")`, { util });
  assert.equal(out.output, `a\\'b\\"c|a+b%2F%7E*|a b/|w6k=|é`);
  assert.equal(renderVtl(`$util.parseJson("{bad")`, { util }).error?.type, "MappingTemplate");
});

test("Java methods on strings, lists and maps", () => {
  const refs = { b: "<a><MessageId>abc-1</MessageId></a>", l: [1, 2], m: { k: 1 }, e: "" };
  const run = (t: string) => renderVtl(t, refs).output;
  assert.equal(run(`$b.replaceAll('(?s).*<MessageId>(.*)</MessageId>.*', '$1')`), "abc-1");
  assert.equal(run(`$b.replaceFirst("a", '\\$')`), "<$><MessageId>abc-1</MessageId></a>");
  assert.equal(run(`$b.length()|$b.matches('<a>.*')|$b.matches('MessageId')|$b.contains("Message")|$e.isEmpty()`), "35|true|false|true|true");
  assert.equal(run(`#set($s = "a,b;c")#foreach($p in $s.split("[,;]"))$p.#end`), "a.b.c.");
  assert.equal(run(`$l.contains(2)|$l.isEmpty()|$m.containsKey("k")|$m.isEmpty()|$m.values()`), "true|false|true|false|[1]");
  assert.equal(run(`$b.equals("x")|$e.equalsIgnoreCase("")`), "false|true");
});
