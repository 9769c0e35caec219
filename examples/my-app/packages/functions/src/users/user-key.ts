/** Where a user lives in the single table. */
export function userKey(id: string) {
  return { pk: `USER#${id}`, sk: "PROFILE" };
}

export function json(statusCode: number, body: unknown) {
  return {
    statusCode,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
}
