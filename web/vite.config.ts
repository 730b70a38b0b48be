import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// `npm run dev` serves the client with hot reload and forwards the API and the gateway to a running Concord
// (CONCORD_URL, default http://localhost:5080). The Origin header is rewritten to the server's own, since Concord
// refuses unsafe requests and cookie handshakes from foreign origins.
const target = process.env.CONCORD_URL ?? "http://localhost:5080";
const sameOrigin = {
  target,
  changeOrigin: true,
  configure: (proxy: any) => {
    proxy.on("proxyReq", (req: any) => req.getHeader("origin") && req.setHeader("origin", target));
    proxy.on("proxyReqWs", (req: any) => req.setHeader("origin", target));
  },
};

export default defineConfig({
  plugins: [preact()],
  server: { proxy: { "/api": sameOrigin, "/socket.io": { ...sameOrigin, ws: true } } },
  build: { target: "es2022", sourcemap: false, reportCompressedSize: true },
});
