export async function handler() {
  console.log("Item shipped!");
  return {};
}
