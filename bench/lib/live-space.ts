/** A host account and a Space it has started, on a running origin: what a bench needs to speak into. */
export async function startLiveSpace(originUrl: string, handle: string, title: string): Promise<{ token: string; spaceId: string }> {
  const post = async (path: string, token: string | undefined, body: unknown): Promise<any> => {
    const res = await fetch(`${originUrl}${path}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const host = await post('/api/v1/auth/register', undefined, { handle, password: `${handle} speaks into ${title}` });
  const space = await post('/api/v1/spaces', host.token, { title });
  await post(`/api/v1/spaces/${space.id}/start`, host.token, {});
  return { token: host.token, spaceId: space.id };
}
