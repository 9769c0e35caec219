export async function handler() { return "receipt"; }
export async function main() { return "receipt"; }
