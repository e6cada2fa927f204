import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ itself (app.ts serveWebApp); `npm run dev` proxies the API to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/v1': { target: 'http://localhost:3000', ws: true },
    },
  },
});
