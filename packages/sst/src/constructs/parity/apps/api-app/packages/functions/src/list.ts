export async function handler() { return { statusCode: 200, body: "list" }; }
export async function main() { return { statusCode: 200, body: "list" }; }
