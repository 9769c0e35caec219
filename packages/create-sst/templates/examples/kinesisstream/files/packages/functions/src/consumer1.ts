export async function handler() {
  console.log("Message 1 processed!");
  return {};
}
