/** One item's place in an {@link ActivityList}. */
export interface ActivityNode<T> {
  readonly value: T;
  older: ActivityNode<T> | undefined;
  newer: ActivityNode<T> | undefined;
}

/**
 * Items in order of last activity, the stalest first; adding, touching and removing one are O(1).
 * A linked list rather than a Map's own order (delete and re-insert on every touch): the stalest
 * is found without walking the holes V8 leaves at the front of a Map after deletes.
 */
export class ActivityList<T> {
  private head: ActivityNode<T> | undefined;
  private tail: ActivityNode<T> | undefined;
  private count = 0;

  /** How many items the list holds. */
  get size(): number {
    return this.count;
  }

  /** The least recently active item's node; follow `newer` from it to walk the list. */
  get stalest(): ActivityNode<T> | undefined {
    return this.head;
  }

  /** Adds `value` as the most recently active item and returns its node. */
  add(value: T): ActivityNode<T> {
    const node: ActivityNode<T> = { value, older: undefined, newer: undefined };
    this.count += 1;
    this.append(node);
    return node;
  }

  /** Marks the node's item active now: it moves to the fresh end. */
  touch(node: ActivityNode<T>): void {
    if (node === this.tail) return;
    this.unlink(node);
    this.append(node);
  }

  /** Takes the node out of the list. */
  remove(node: ActivityNode<T>): void {
    this.count -= 1;
    this.unlink(node);
  }

  private append(node: ActivityNode<T>): void {
    node.older = this.tail;
    if (this.tail) this.tail.newer = node;
    else this.head = node;
    this.tail = node;
  }

  private unlink(node: ActivityNode<T>): void {
    if (node.older) node.older.newer = node.newer;
    else if (this.head === node) this.head = node.newer;
    if (node.newer) node.newer.older = node.older;
    else if (this.tail === node) this.tail = node.older;
    node.older = undefined;
    node.newer = undefined;
  }
}
