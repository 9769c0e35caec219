import { Api } from "sst/node/api";
import { expect, it } from "vitest";
import { Article } from "@@@app/core/article";

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(Api.api.url + "/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: any; errors?: unknown[] };
}

it("create an article", async () => {
  const { data } = await graphql(
    "mutation ($title: String!, $url: String!) { createArticle(title: $title, url: $url) { id } }",
    { title: "Hello world", url: "https://example.com" }
  );
  const list = await Article.list();
  expect(list.find((a) => a.articleID === data.createArticle.id)).toBeDefined();
});
