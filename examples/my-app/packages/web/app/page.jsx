// The users, listed through the API (NEXT_PUBLIC_API_URL comes from the Web stack's
// `environment`: the Api's URL). Rendered on each request by the server function.
export const dynamic = "force-dynamic";

async function listUsers() {
  const res = await fetch(`${process.env.NEXT_PUBLIC_API_URL}/users?limit=50`, { cache: "no-store" });
  if (!res.ok) throw new Error(`GET /users answered ${res.status}`);
  return (await res.json()).users ?? [];
}

export default async function Home() {
  const users = await listUsers();
  return (
    <main>
      <h1>Users</h1>
      {users.length === 0 ? (
        <p id="empty">No users yet.</p>
      ) : (
        <ul id="users">
          {users.map((u) => (
            <li key={u.pk ?? u.id}>{u.name ?? u.email ?? u.pk}</li>
          ))}
        </ul>
      )}
      <p id="region">Region: {process.env.NEXT_PUBLIC_REGION}</p>
    </main>
  );
}
