# RabbitMQ from the Debian package for the work-queue tests: a node of its own (own name, AMQP, distribution and
# epmd ports, data, logs and Erlang cookie under $tmp), so it never meets a system-wide or another run's node.
# Exports CONCORD_TEST_RABBITMQ as an amqp:// URI.
apt_packages+=(rabbitmq-server); apt_probe+=(/usr/lib/rabbitmq/bin/rabbitmq-server)

rabbit_env() {
  export HOME="$tmp/rabbit" RABBITMQ_NODENAME="concord-$rabbit_port@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$rabbit_port" RABBITMQ_DIST_PORT="$rabbit_dist_port" ERL_EPMD_PORT="$rabbit_epmd_port" \
    RABBITMQ_MNESIA_BASE="$tmp/rabbit/mnesia" RABBITMQ_LOG_BASE="$tmp/rabbit/log" RABBITMQ_PID_FILE="$tmp/rabbit/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$tmp/rabbit/enabled_plugins" RABBITMQ_CONFIG_FILE="$tmp/rabbit/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$tmp/rabbit/advanced.config" RABBITMQ_CONF_ENV_FILE="$tmp/rabbit/rabbitmq-env.conf"
}

start_rabbitmq() {
  rabbit_port=$(free_port); rabbit_dist_port=$(free_port); rabbit_epmd_port=$(free_port)
  mkdir -p "$tmp/rabbit/mnesia" "$tmp/rabbit/log"
  echo "[]." > "$tmp/rabbit/enabled_plugins"
  # Low disk/memory alarms would block publishers on a busy CI box; the tests publish a few small messages.
  printf 'disk_free_limit.absolute = 50MB\nvm_memory_high_watermark.relative = 0.8\nloopback_users = none\n' > "$tmp/rabbit/rabbitmq.conf"
  echo "[]." > "$tmp/rabbit/advanced.config"; : > "$tmp/rabbit/rabbitmq-env.conf"
  echo "== starting RabbitMQ on 127.0.0.1:$rabbit_port"
  (rabbit_env; exec /usr/lib/rabbitmq/bin/rabbitmq-server >"$tmp/rabbit/log/stdout" 2>&1) &
  echo $! > "$tmp/rabbit/server.pid"
  local up=""
  for _ in $(seq 600); do   # up to 60 s on a loaded box
    if (rabbit_env; /usr/lib/rabbitmq/bin/rabbitmq-diagnostics -q ping) >/dev/null 2>&1 \
       && (exec 3<>"/dev/tcp/127.0.0.1/$rabbit_port") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  [ -n "$up" ] || { echo "RabbitMQ did not start:" >&2; tail -n 30 "$tmp/rabbit/log/stdout" >&2; return 1; }
  export CONCORD_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$rabbit_port/"
}

stop_rabbitmq() {
  (rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -q shutdown) >/dev/null 2>&1 || true
  [ -f "$tmp/rabbit/server.pid" ] && kill "$(cat "$tmp/rabbit/server.pid")" 2>/dev/null
  (rabbit_env; epmd -port "$rabbit_epmd_port" -kill) >/dev/null 2>&1 || true
}
start_hooks+=(start_rabbitmq); stop_hooks+=(stop_rabbitmq)
