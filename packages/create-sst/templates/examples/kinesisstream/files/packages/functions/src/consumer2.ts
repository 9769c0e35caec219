export async function handler() {
  console.log("Message 2 processed!");
  return {};
}
