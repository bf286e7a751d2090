import { createHash, timingSafeEqual } from 'node:crypto';

export interface KeyIdentity {
  /** Stable label shown to modules and logs: `key-<n>`, by position in the configured list at start. */
  label: string;
}

/**
 * Bearer key verification. Keys are kept only as SHA-256 digests; a presented token is hashed and
 * compared against every digest with timingSafeEqual (equal-length by construction), without an
 * early exit, so neither the length nor the position of a key leaks through timing.
 *
 * Built from `previous` (after a reload), a key that stays keeps its label, whatever its position,
 * and a new key gets a number never used before: a label always means one key.
 */
export class ApiKeys {
  private readonly digests: Array<{ digest: Buffer; label: string }>;
  private readonly nextNumber: number;

  constructor(
    keys: readonly string[],
    previous?: ApiKeys,
    private readonly prefix = 'key',
  ) {
    const known = new Map(previous?.digests.map((entry) => [entry.digest.toString('hex'), entry.label]));
    let next = previous?.nextNumber ?? 1;
    this.digests = keys.map((key) => {
      const digest = sha256(key);
      return { digest, label: known.get(digest.toString('hex')) ?? `${this.prefix}-${next++}` };
    });
    this.nextNumber = next;
  }

  /** Labels of the keys accepted now. */
  get labels(): ReadonlySet<string> {
    return new Set(this.digests.map((entry) => entry.label));
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  verify(token: string): KeyIdentity | undefined {
    const presented = sha256(token);
    let match: KeyIdentity | undefined;
    for (const { digest, label } of this.digests) {
      if (timingSafeEqual(presented, digest) && !match) match = { label };
    }
    return match;
  }
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}
