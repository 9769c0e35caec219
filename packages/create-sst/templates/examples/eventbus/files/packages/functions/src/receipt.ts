export async function handler() {
  console.log("Receipt sent!");
  return {};
}
