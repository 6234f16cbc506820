/** Prepared statements built once per connection, for modules that are plain functions, not classes. */
import type { Db } from './connection';

export function statementsFor<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let found = cache.get(db);
    if (!found) {
      found = build(db);
      cache.set(db, found);
    }
    return found;
  };
}
