export async function handler() { return { statusCode: 200, body: "authorizer" }; }
export async function main() { return { statusCode: 200, body: "authorizer" }; }
