export async function handler() { return { statusCode: 200, body: "fallback" }; }
export async function main() { return { statusCode: 200, body: "fallback" }; }
