export async function handler() { return { statusCode: 200, body: "update" }; }
export async function main() { return { statusCode: 200, body: "update" }; }
