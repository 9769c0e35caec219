export async function handler() { return "shipping"; }
export async function main() { return "shipping"; }
