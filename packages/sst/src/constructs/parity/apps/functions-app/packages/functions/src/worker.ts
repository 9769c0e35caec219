export async function handler() { return "worker"; }
