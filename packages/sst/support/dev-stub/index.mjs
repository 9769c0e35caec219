// Deployed in place of a function's code under `sst dev`: the dev loop runs Node.js and
// Python functions from source, so for them this code is never invoked. A function whose
// runtime the dev loop does not run (go, java, dotnet, rust, container) keeps it, and
// each invocation answers with an error that says so.
export const handler = async () => {
  const runtime = process.env.SST_DEV_RUNTIME_NOT_RUN;
  if (runtime) {
    throw new Error(`This "${runtime}" function is not run locally by sst dev (only Node.js and Python handlers are); deploy the stage to AWS to run it`);
  }
  throw new Error("This function runs from source under sst dev");
};
