export async function handler() { return "async"; }
