// The server function of a site under `sst dev` (SST v2's placeholder): the site runs in
// its framework's dev server, started through `sst bind`, which takes this function's
// environment and role. Nothing routes requests here.
export const handler = async () => ({
  statusCode: 503,
  headers: { "content-type": "text/plain" },
  body: "This site is not deployed under sst dev: run its dev server through `sst bind`.",
});
