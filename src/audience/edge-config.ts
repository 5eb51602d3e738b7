import { readFileSync } from 'node:fs';

/** Values for deploy/nginx/edge.conf. Ports and directories are chosen by the caller. */
export interface EdgeConfigParams {
  /** `host:port` (or port) nginx listens on. */
  readonly listen: string;
  /** `host:port` of the primary origin. */
  readonly originPrimary: string;
  /** `host:port` of the backup origin (the same as primary when there is one origin). */
  readonly originSecondary: string;
  readonly cacheDir: string;
  readonly tempDir: string;
  readonly accessLog?: string;
  /** e.g. 'root' when nginx runs as root in a test; omitted: no user directive. */
  readonly user?: string;
  readonly workerProcesses?: number | 'auto';
  readonly workerConnections?: number;
  readonly cacheZone?: string;
  readonly cacheMaxSize?: string;
  /** Must exceed the origin's blocking timeout (AudienceOptions.blockingTimeoutMs). */
  readonly lockTimeout?: string;
}

const TEMPLATE_URL = new URL('../../deploy/nginx/edge.conf', import.meta.url);

export function renderEdgeConfig(params: EdgeConfigParams, template = readFileSync(TEMPLATE_URL, 'utf8')): string {
  const values: Record<string, string> = {
    LISTEN: params.listen,
    ORIGIN_PRIMARY: params.originPrimary,
    ORIGIN_SECONDARY: params.originSecondary,
    CACHE_DIR: params.cacheDir,
    TEMP_DIR: params.tempDir,
    ACCESS_LOG: params.accessLog ?? 'off',
    USER_DIRECTIVE: params.user ? `user ${params.user};` : '',
    WORKER_PROCESSES: String(params.workerProcesses ?? 'auto'),
    WORKER_CONNECTIONS: String(params.workerConnections ?? 16_384),
    CACHE_ZONE: params.cacheZone ?? '32m',
    CACHE_MAX_SIZE: params.cacheMaxSize ?? '1g',
    LOCK_TIMEOUT: params.lockTimeout ?? '8s',
  };
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new TypeError(`edge.conf: no value for ${whole}`);
    return v;
  });
  return out;
}
