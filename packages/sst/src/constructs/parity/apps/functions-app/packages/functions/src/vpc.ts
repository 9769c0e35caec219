export async function handler() { return "vpc"; }
