/**
 * A first-in first-out queue whose items can die in place (`alive` turns false): dead items are
 * skipped when they reach the front and swept out once the backing array has doubled, so removal
 * from the middle costs nothing and the array stays within a constant factor of what is alive.
 */
export class LazyQueue<T> {
  private items: T[] = [];
  private head = 0;
  private compactAt = 1024;

  constructor(private readonly alive: (item: T) => boolean) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.compactAt) {
      this.items = this.items.slice(this.head).filter(this.alive);
      this.head = 0;
      this.compactAt = Math.max(1024, this.items.length * 2);
    }
  }

  /** Removes and returns the oldest live item. */
  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head++]!;
      if (this.alive(item)) return item;
    }
    return undefined;
  }
}
