import type { Redis } from 'ioredis';

/** QUIT, but never wait long for a Redis that is away: then just drop the connection. */
export async function closeRedis(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, 1_000); });
  await Promise.race([redis.quit().catch(() => {}), late]);
  clearTimeout(timer);
  redis.disconnect();
}
