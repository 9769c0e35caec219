import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { astroRouteTable, type AstroRoute } from "./astro-routes.js";

const page = (route: string, pattern: string, prerender: boolean): AstroRoute => ({ route, type: "page", pattern, prerender });

describe("astroRouteTable", () => {
  it("keeps only what CloudFront answers alone: prerendered pages and endpoints, redirects", () => {
    const table = astroRouteTable([
      { route: "/_image", type: "endpoint", pattern: "/^\\/_image$/", prerender: false },
      page("/404", "/^\\/404\\/?$/", true),
      page("/about", "/^\\/about\\/?$/", true),
      { route: "/feed.xml", type: "endpoint", pattern: "/^\\/feed\\.xml$/", prerender: true },
      page("/", "/^\\/$/", false),
      { route: "/old", type: "redirect", pattern: "/^\\/old\\/?$/", redirectPath: "/new", redirectStatus: 301 },
      { route: "/old2", type: "redirect", pattern: "/^\\/old2\\/?$/", redirectPath: "/new2" },
    ]);
    assert.equal(table, '[[/^\\/404\\/?$/],[/^\\/about\\/?$/],[/^\\/feed\\.xml$/,1],[/^\\/old\\/?$/,2,"/new",301],[/^\\/old2\\/?$/,2,"/new2"]]');
  });

  it("splits a first segment shared by several routes by the next one; duplicates count once", () => {
    const table = astroRouteTable([
      page("/docs", "/^\\/docs\\/?$/", true),
      page("/docs/intro", "/^\\/docs\\/intro\\/?$/", true),
      page("/docs/[slug]", "/^\\/docs\\/([^/]+?)\\/?$/", true),
      page("/docs/live", "/^\\/docs\\/live\\/?$/", false),
      page("/dup", "/^\\/dup\\/?$/", true),
      page("/dup", "/^\\/dup\\/?$/", false),
    ]);
    assert.equal(table, "[[/^\\/docs/,[[/^\\/docs\\/?$/],[/^\\/docs\\/intro\\/?$/],[/^\\/docs\\/([^/]+?)\\/?$/]]],[/^\\/dup/,[[/^\\/dup\\/?$/]]]]");
  });

  it("the table is JavaScript that finds a route by its path", () => {
    const table = astroRouteTable([page("/docs", "/^\\/docs\\/?$/", true), page("/docs/intro", "/^\\/docs\\/intro\\/?$/", true)]);
    const routes = new Function(`return ${table}`)() as any[];
    assert.equal(routes[0][0].test("/docs/intro"), true);
    assert.equal(routes[0][1][1][0].test("/docs/intro/"), true);
  });
});
