// Real processes for the fault tests: a PostgreSQL and a Redis of their own (the suite's shared ones serve other tests
// at the same time, so these can be stopped and restarted freely) and Concord nodes run as `dotnet Concord.Server.dll`,
// so they can be killed with SIGKILL. Everything lives in one temporary folder and is stopped by `stop()`.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, chmodSync, readdirSync, rmSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";

const isRoot = process.getuid?.() === 0;
const pgBin = (() => {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
})();

export const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  s.on("error", reject);
});

/** Polls `probe` (an async predicate) until it holds; fails after `ms`. Returns the time it took. */
export async function until(probe, ms, what) {
  const started = Date.now();
  for (;;) {
    try { if (await probe()) return Date.now() - started; } catch { /* not yet */ }
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function asPostgres(cmd, args) {
  return isRoot ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" });
}

export class Cluster {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "concord-faults-"));
    chmodSync(this.dir, 0o755);
    this.nodes = [];
  }

  async startPostgres() {
    this.pgDir = join(this.dir, "pg");
    mkdirSync(this.pgDir);
    if (isRoot) execFileSync("chown", ["postgres", this.pgDir]);
    this.pgPort = await freePort();
    asPostgres(`${pgBin}/initdb`, ["-D", this.pgDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
    this.postgresUp();
    return this;
  }

  postgresUp() {
    asPostgres(`${pgBin}/pg_ctl`, ["-D", this.pgDir, "-l", join(this.pgDir, "log"), "-w", "start", "-o",
      `-p ${this.pgPort} -k ${this.pgDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`]);
  }

  /** A fast shutdown: open sessions are ended, as when the database is stopped for maintenance. */
  postgresDown() {
    asPostgres(`${pgBin}/pg_ctl`, ["-D", this.pgDir, "-m", "fast", "-w", "stop"]);
  }

  async startRedis() {
    this.redisPort ??= await freePort();
    this.redis = spawn("redis-server", ["--port", String(this.redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir],
      { stdio: "ignore" });
    await until(() => new Promise((resolve) => {
      const s = net.connect(this.redisPort, "127.0.0.1", () => { s.end(); resolve(true); });
      s.on("error", () => resolve(false));
    }), 10000, "redis-server");
  }

  async stopRedis() {
    const exited = new Promise((resolve) => this.redis.once("exit", resolve));
    this.redis.kill("SIGKILL");
    await exited;
    this.redis = null;
  }

  get connectionString() {
    return `Host=127.0.0.1;Port=${this.pgPort};Username=postgres;Database=concord;Pooling=true;Maximum Pool Size=30`;
  }

  /** Starts a Concord node and waits until it answers /health/live. */
  async startNode(workerId, extraEnv = {}) {
    const dll = process.env.CONCORD_SERVER_DLL;
    if (!dll) throw new Error("CONCORD_SERVER_DLL must name the built Concord.Server.dll");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = join(this.dir, `node-${workerId}.log`);
    const out = openSync(log, "a");
    const child = spawn("dotnet", [dll, "--urls", url], {
      cwd: dll.replace(/\/[^/]+$/, ""),
      stdio: ["ignore", out, out],
      env: {
        ...process.env,
        ASPNETCORE_ENVIRONMENT: "Production",
        ConnectionStrings__Postgres: this.connectionString,
        Redis__ConnectionString: `127.0.0.1:${this.redisPort}`,
        Auth__JwtSigningKey: "fault-test-signing-key-0123456789-0123456789",
        Auth__BcryptWorkFactor: "4",
        Snowflake__WorkerId: String(workerId),
        // Limits on, generous: the Redis scenario proves they fall back to per-node counters.
        RateLimiting__Enabled: "true",
        RateLimiting__Auth__PermitLimit: "10000",
        RateLimiting__Api__PermitLimit: "10000",
        RateLimiting__Handshakes__PermitLimit: "10000",
        RateLimiting__Messages__PermitLimit: "10000",
        RateLimiting__MessagesPerChannel__PermitLimit: "10000",
        // The outage scenarios send events as fast as they are refused.
        Realtime__EventsPerWindow: "100000",
        Outbox__RelayAfter: "00:00:02",
        Outbox__RelayInterval: "00:00:00.500",
        Logging__Console__FormatterName: "simple",
        ...extraEnv,
      },
    });
    const node = { url, child, workerId, log, exited: new Promise((resolve) => child.once("exit", resolve)) };
    this.nodes.push(node);
    await until(async () => (await fetch(`${url}/health/live`)).ok, 180000, `node ${workerId} to start (log: ${log})`);
    return node;
  }

  /** SIGKILL: no shutdown hooks, no last publish. */
  async kill(node) {
    node.child.kill("SIGKILL");
    await node.exited;
  }

  logTail(node, lines = 40) {
    try { return readFileSync(node.log, "utf8").split("\n").slice(-lines).join("\n"); } catch { return ""; }
  }

  async stop() {
    for (const node of this.nodes) if (node.child.exitCode === null && node.child.signalCode === null) await this.kill(node);
    if (this.redis) await this.stopRedis();
    try { asPostgres(`${pgBin}/pg_ctl`, ["-D", this.pgDir, "-m", "immediate", "stop"]); } catch { /* already down */ }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
