// Shared helpers for the interop scenarios. SOCKETIO_URL is set by the xunit host.
import { io } from "socket.io-client";

export const URL = process.env.SOCKETIO_URL ?? "http://127.0.0.1:3000";
/** A second node on the same Redis, for the cluster scenarios (unset otherwise). */
export const URL_B = process.env.SOCKETIO_URL_B;

export const MODES = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: { transports: ["polling", "websocket"] },
};

export function uniqueName(prefix) {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Resolves with the first emission of `event`, or rejects after `ms`. */
export function once(emitter, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${event}"`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Resolves with the first emission of `event` whose args satisfy `predicate`. */
export function waitFor(emitter, event, predicate, ms = 5000) {
  return new Promise((resolve, reject) => {
    const listener = (...args) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, ms);
    emitter.on(event, listener);
  });
}

/** Opens a client and resolves once the namespace is connected. */
export async function connect(nsp = "/", options = {}) {
  return connectAt(URL, nsp, options);
}

/** Opens a client to the server at `base` and resolves once the namespace is connected. */
export async function connectAt(base, nsp = "/", options = {}) {
  const socket = io(base + nsp, { forceNew: true, reconnection: false, ...options });
  const outcome = await Promise.race([
    once(socket, "connect").then(() => null),
    once(socket, "connect_error").then(([err]) => err),
  ]);
  if (outcome) {
    socket.close();
    throw outcome;
  }
  return socket;
}

/** Opens a client expected to be refused; resolves with the connect_error. */
export async function connectError(nsp = "/", options = {}) {
  const socket = io(URL + nsp, { forceNew: true, reconnection: false, ...options });
  try {
    const [err] = await once(socket, "connect_error");
    return err;
  } finally {
    socket.close();
  }
}

/** A client in the "observers" room, told of every disconnect with its server-side reason. */
export async function observer() {
  const socket = await connect("/", { auth: { name: uniqueName("observer") } });
  await socket.timeout(5000).emitWithAck("observe");
  return socket;
}

export function waitForUpgrade(socket, ms = 5000) {
  if (socket.io.engine.transport.name === "websocket") return Promise.resolve();
  return once(socket.io.engine, "upgrade", ms);
}
