export async function handler() { return { statusCode: 200, body: "create" }; }
export async function main() { return { statusCode: 200, body: "create" }; }
