export async function handler() { return "lambda"; }
export async function main() { return "lambda"; }
