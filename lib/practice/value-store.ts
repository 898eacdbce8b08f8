// A value that views subscribe to (React's useSyncExternalStore, or anything else): the
// controller publishes a new snapshot, subscribers are told only when it changed.

export class ValueStore<T> {
  private listeners = new Set<() => void>();

  constructor(
    private value: T,
    private readonly same: (a: T, b: T) => boolean = Object.is,
  ) {}

  readonly get = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  set(next: T): void {
    if (this.same(this.value, next)) return;
    this.value = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (value: T) => T): void {
    this.set(change(this.value));
  }
}
