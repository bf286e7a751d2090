import type { Config } from '../config/schema.js';
import { isLoopbackAddress } from '../transports/http/host-policy.js';

/** Settings that work but leave the server more exposed than an operator likely wants, each as a log line. */
export function startWarnings(config: Config): string[] {
  const { type, host, allowedHosts } = config.transport;
  const warnings: string[] = [];
  if (type !== 'stdio' && !isLoopbackAddress(host) && allowedHosts.length === 0) {
    warnings.push(
      `bound to ${host}, which is not a loopback address, with transport.allowedHosts empty: any Host header is accepted ` +
        '(no DNS-rebinding protection); list the host names clients use in transport.allowedHosts',
    );
  }
  return warnings;
}
