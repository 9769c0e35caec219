export async function handler() { return { statusCode: 200, body: "delete" }; }
export async function main() { return { statusCode: 200, body: "delete" }; }
