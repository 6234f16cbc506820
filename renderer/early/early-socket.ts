// The page's head script (built on its own as an IIFE by scripts/build.mjs): see lib/early-socket.ts.
import { openEarlySocket } from '../src/lib/early-socket';

openEarlySocket();
