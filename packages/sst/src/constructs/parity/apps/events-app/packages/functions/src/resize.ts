export async function handler() { return "resize"; }
export async function main() { return "resize"; }
