import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from app:// (Electron) or the loopback browser host; relative asset
// paths work for both. No inline scripts, so the CSP can stay `script-src 'self'`.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'chrome120',
  },
});
