// Deployed in place of a function's code under `sst dev`: the dev loop runs the
// function from source, so this code should never be invoked.
export const handler = async () => {
  throw new Error("This function runs from source under sst dev");
};
