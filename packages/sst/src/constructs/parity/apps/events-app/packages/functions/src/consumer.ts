export async function handler() { return "consumer"; }
export async function main() { return "consumer"; }
