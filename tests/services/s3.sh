# An S3-compatible server for the media storage tests: s3rver from npm (tests/services/s3rver), a Node process on a
# free loopback port with its data under $tmp. Exports CONCORD_TEST_S3 as "serviceUrl;bucket;accessKey;secretKey".
start_s3() {
  local dir=tests/services/s3rver
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  s3_port=$(free_port)
  mkdir -p "$tmp/s3"
  node "$dir/node_modules/s3rver/bin/s3rver.js" -d "$tmp/s3" -a 127.0.0.1 -p "$s3_port" --silent \
    --no-vhost-buckets --configure-bucket concord-test >"$tmp/s3.log" 2>&1 &
  echo $! > "$tmp/s3.pid"
  echo "== starting s3rver on 127.0.0.1:$s3_port"
  local up=""
  for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  [ -n "$up" ] || { echo "s3rver did not start:" >&2; cat "$tmp/s3.log" >&2; return 1; }
  export CONCORD_TEST_S3="http://127.0.0.1:$s3_port;concord-test;S3RVER;S3RVER"
}
stop_s3() { if [ -f "$tmp/s3.pid" ]; then kill "$(cat "$tmp/s3.pid")" 2>/dev/null || true; fi; }
start_hooks+=(start_s3); stop_hooks+=(stop_s3)
