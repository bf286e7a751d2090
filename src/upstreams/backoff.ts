/** Restart policy of one upstream (its `restart:` section). */
export interface RestartPolicy {
  maxRetries: number;
  initialDelaySeconds: number;
  maxDelaySeconds: number;
}

/**
 * The delay before restart number `failures` (1 for the first): exponential (initial × 2^(n-1)),
 * capped at the maximum, with "equal jitter" (between half and all of it) so that upstreams that
 * fell over together do not all come back in the same instant.
 */
export function backoffDelayMs(failures: number, policy: RestartPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const capped = Math.min(policy.initialDelaySeconds * 2 ** exponent, policy.maxDelaySeconds) * 1000;
  return Math.round(capped / 2 + random() * (capped / 2));
}
