export async function handler() { return { statusCode: 200, body: "stream" }; }
export async function main() { return { statusCode: 200, body: "stream" }; }
