import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Relative base and hash routing keep the UI working under the ingress prefix
// (/api/hassio_ingress/<token>/) as well as directly on :8099.
export default defineConfig({
  root: 'ui',
  base: './',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
});
