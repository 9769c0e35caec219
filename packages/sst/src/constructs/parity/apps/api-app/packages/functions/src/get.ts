export async function handler() { return { statusCode: 200, body: "get" }; }
export async function main() { return { statusCode: 200, body: "get" }; }
