/** Ends one follower's interest in the URIs it followed; calling it again does nothing. */
export type Unfollow = () => void;

/**
 * The resource URIs clients follow (a 2025 resources/subscribe, a 2026 subscriptions/listen naming
 * resources), counted per URI over every connection: `changed` runs when a URI gets its first
 * follower or loses its last one.
 */
export class FollowedUris {
  private readonly counts = new Map<string, number>();

  constructor(private readonly changed: () => void) {}

  follow(uris: readonly string[]): Unfollow {
    const unique = [...new Set(uris)];
    let added = false;
    for (const uri of unique) {
      const count = this.counts.get(uri) ?? 0;
      this.counts.set(uri, count + 1);
      added ||= count === 0;
    }
    if (added) this.changed();
    let followed = true;
    return () => {
      if (!followed) return;
      followed = false;
      let removed = false;
      for (const uri of unique) {
        const count = (this.counts.get(uri) ?? 1) - 1;
        if (count > 0) this.counts.set(uri, count);
        else removed = this.counts.delete(uri) || removed;
      }
      if (removed) this.changed();
    };
  }

  /** The URIs with at least one follower now. */
  uris(): IterableIterator<string> {
    return this.counts.keys();
  }
}
