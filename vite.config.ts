import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page's head script, a classic script built on its own by scripts/build.mjs
 * (renderer/early/early-socket.ts): it opens the desk's socket and asks for the first screen while
 * the app's bundle downloads. Added to the built page here, as Vite bundles only module scripts.
 */
const earlySocket: Plugin = {
  name: 'intake-desk-early-socket',
  apply: 'build',
  // First among the page's scripts (its request goes out first), after the CSP meta element.
  transformIndexHtml: { order: 'post', handler: (html) => html.replace('</title>', '</title>\n    <script async src="./early-socket.js"></script>') },
};

// The renderer is served from app:// (Electron) or the loopback browser host; relative asset
// paths work for both. No inline scripts, so the CSP can stay `script-src 'self'`.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), earlySocket],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome120',
  },
});
