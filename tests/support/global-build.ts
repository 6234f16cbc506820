// Integration and end-to-end tests run the built worker and renderer: build them once if stale.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export default async function setup(): Promise<void> {
  const script = pathToFileURL(path.resolve('scripts/build.mjs')).href;
  const { build, isStale } = (await import(script)) as { build: () => Promise<void>; isStale: () => boolean };
  if (isStale()) await build();
}
