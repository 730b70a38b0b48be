# Prometheus for the observability tests: deploy/prometheus/alerts.yml loaded (with every `for:` cut to 0s so an
# alert can fire within a test; promtool's unit tests cover the real durations), scraping every second the
# targets a test writes as JSON into $CONCORD_TEST_PROMETHEUS_TARGETS (file_sd).
apt_packages+=(prometheus prometheus)
apt_probe+=(prometheus promtool)

start_prometheus() {
  local port; port=$(free_port)
  mkdir -p "$tmp/prometheus/targets" "$tmp/prometheus/data"
  sed -E 's/^( *)for: .*/\1for: 0s/' deploy/prometheus/alerts.yml > "$tmp/prometheus/alerts.yml"
  cat > "$tmp/prometheus/prometheus.yml" <<YAML
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [alerts.yml]
scrape_configs:
  - job_name: concord
    file_sd_configs: [{ files: ["$tmp/prometheus/targets/*.json"], refresh_interval: 1s }]
YAML
  echo "== starting Prometheus on 127.0.0.1:$port"
  prometheus --config.file="$tmp/prometheus/prometheus.yml" --storage.tsdb.path="$tmp/prometheus/data" \
    --web.listen-address="127.0.0.1:$port" --log.level=warn >"$tmp/prometheus/log" 2>&1 &
  echo $! > "$tmp/prometheus.pid"
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  export CONCORD_TEST_PROMETHEUS="http://127.0.0.1:$port" CONCORD_TEST_PROMETHEUS_TARGETS="$tmp/prometheus/targets"
}
stop_prometheus() { [ -f "$tmp/prometheus.pid" ] && kill "$(cat "$tmp/prometheus.pid")"; }
start_hooks+=(start_prometheus); stop_hooks+=(stop_prometheus)
