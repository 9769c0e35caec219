export async function handler() { return { statusCode: 200, body: "graphql" }; }
export async function main() { return { statusCode: 200, body: "graphql" }; }
