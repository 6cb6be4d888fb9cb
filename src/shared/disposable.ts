/**
 * Ownership of things that must be disposed (VS Code's subscriptions, emitters, status items, panels):
 * register each one where it is made instead of keeping an array by hand. Pure: VS Code's Disposable
 * fits `DisposableLike` as it is, so this file needs no import and serves every host-side layer.
 */

/** Anything with a dispose(): a vscode.Disposable, an event subscription, one of our own classes. */
export interface DisposableLike {
  dispose(): unknown;
}

/** A group of disposables ended together: by `clear()` (the group stays usable) or `dispose()` (for good). */
export class DisposableStore implements DisposableLike {
  private items: DisposableLike[] = [];
  private disposed = false;

  /** Takes ownership of `item` and returns it; after dispose() the item is disposed at once instead. */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  /** Disposes everything added so far, in the order it was added; later additions are kept again. */
  clear(): void {
    const items = this.items;
    this.items = [];
    for (const item of items) item.dispose();
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }
}

/** Base for a class that owns disposables: `this.register(x)` where x is made; dispose() ends them all once. */
export abstract class Disposable implements DisposableLike {
  private readonly owned = new DisposableStore();

  protected register<T extends DisposableLike>(item: T): T {
    return this.owned.add(item);
  }

  dispose(): void {
    this.owned.dispose();
  }
}
