export interface HostPolicyConfig {
  host: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  corsOrigins: readonly string[];
}

export interface HostPolicy {
  /** Host header check; undefined allowed list means any host. */
  hostAllowed(hostHeader: string | undefined): boolean;
  /** Origin header check (requests without Origin are not browser requests and pass). */
  originAllowed(origin: string | undefined): boolean;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** `example.com:8080` -> `example.com`, `[::1]:80` -> `[::1]`. */
export function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * DNS-rebinding protection. Bound to loopback with no lists configured, only loopback names
 * (any port) are accepted in Host and Origin. Otherwise the configured lists apply; an empty
 * allowedHosts then accepts any Host, and Origins must be listed (allowedOrigins or corsOrigins).
 */
export function createHostPolicy(config: HostPolicyConfig): HostPolicy {
  const loopback = isLoopbackAddress(config.host);
  const hosts = config.allowedHosts.map((h) => h.toLowerCase());
  const origins = new Set([...config.allowedOrigins, ...config.corsOrigins].map((o) => o.toLowerCase().replace(/\/$/, '')));
  const anyOrigin = origins.has('*');
  return {
    hostAllowed(hostHeader) {
      if (hosts.length === 0 && !loopback) return true;
      if (!hostHeader) return false;
      const full = hostHeader.trim().toLowerCase();
      const name = hostnameOf(full);
      if (hosts.length === 0) return LOOPBACK_NAMES.has(name);
      return hosts.includes(full) || hosts.includes(name);
    },
    originAllowed(origin) {
      if (origin === undefined) return true;
      if (anyOrigin) return true;
      const normalized = origin.toLowerCase().replace(/\/$/, '');
      if (origins.has(normalized)) return true;
      if (config.allowedOrigins.length > 0 || !loopback) return false;
      try {
        const url = new URL(normalized);
        return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_NAMES.has(url.hostname);
      } catch {
        return false;
      }
    },
  };
}
