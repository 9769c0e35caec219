import React, { useState } from "react";
import ReactDOM from "react-dom/client";
import { Client, Provider, cacheExchange, fetchExchange, useMutation, useQuery } from "urql";
import { ArticlesQuery, CreateArticleMutation, type ArticleFields } from "./articles";

const client = new Client({
  url: import.meta.env.VITE_GRAPHQL_URL,
  // The Api routes only POST /graphql; urql would send queries as GET.
  preferGetMethod: false,
  exchanges: [cacheExchange, fetchExchange],
});

function Articles() {
  const [articles, refresh] = useQuery<{ articles: ArticleFields[] }>({ query: ArticlesQuery });
  const [, createArticle] = useMutation(CreateArticleMutation);
  const [title, setTitle] = useState("");
  const [url, setUrl] = useState("");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await createArticle({ title, url });
    setTitle("");
    setUrl("");
    refresh({ requestPolicy: "network-only" });
  }

  return (
    <main>
      <h1>Articles</h1>
      <form onSubmit={submit}>
        <input name="title" placeholder="Title" value={title} onChange={(e) => setTitle(e.target.value)} required />
        <input name="url" placeholder="URL" value={url} onChange={(e) => setUrl(e.target.value)} required />
        <button type="submit">Submit</button>
      </form>
      {articles.fetching && <p>Loading…</p>}
      {articles.error && <p role="alert">{articles.error.message}</p>}
      <ul>
        {articles.data?.articles.map((a) => (
          <li key={a.id}>
            <a href={a.url}>{a.title}</a>
          </li>
        ))}
      </ul>
    </main>
  );
}

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <Provider value={client}>
      <Articles />
    </Provider>
  </React.StrictMode>
);
