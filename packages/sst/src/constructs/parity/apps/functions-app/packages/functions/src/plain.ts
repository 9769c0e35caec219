export async function handler() { return "plain"; }
