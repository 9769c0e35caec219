// A Service's function under `sst dev` (SST v2's placeholder): the service itself runs
// on the developer's machine (its `dev.command`, started by `sst dev`, or a command run
// through `sst bind`) with this function's environment and role. Nothing invokes it.
export const handler = async () => ({
  statusCode: 503,
  headers: { "content-type": "text/plain" },
  body: "This service is not deployed under sst dev: it runs locally (dev.command or `sst bind`).",
});
