import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../../../server/config.js';

/** A secret as `openssl rand -hex 32` makes them. */
const RANDOM_SECRET = '3f9a1c7e5b2d8046a1e9c3b7d5f20864e1a3c5b7d9f10325476a8c9e0b1d2f3a';
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: RANDOM_SECRET, ALLOWED_ORIGINS: 'https://shop.example.com', METRICS_TOKEN: 'scraper-token' };

describe('loadConfig', () => {
  it('works out of the box outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      port: 8000,
      jwtSecret: DEV_JWT_SECRET,
      guestTokens: true,
      demoTokenDelayMs: 30,
      streamTimeoutMs: 300_000,
      maxMessageLength: 16_384,
      heartbeatMs: 15_000,
      streamRetentionS: 600,
      conversationRetentionDays: 30,
      conversationStore: 'auto',
      dataDir: './data',
    });
    expect(config.allowedOrigins).toContain('http://localhost:*');
  });

  it('accepts a complete production configuration, with guest tokens off by default', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.production).toBe(true);
    expect(config.guestTokens).toBe(false);
    expect(config.allowedOrigins).toEqual(['https://shop.example.com']);
  });

  it.each([
    [{ ...PRODUCTION, JWT_SECRET: undefined }, /JWT_SECRET/],
    [{ ...PRODUCTION, JWT_SECRET: DEV_JWT_SECRET }, /development default/],
    [{ ...PRODUCTION, JWT_SECRET: 'short' }, /at least 32/],
    [{ ...PRODUCTION, ALLOWED_ORIGINS: undefined }, /ALLOWED_ORIGINS is required/],
    [{ ...PRODUCTION, JWT_SECRET: 'a'.repeat(32) }, /JWT_SECRET is too predictable/],
    [{ ...PRODUCTION, JWT_SECRET: 'abcd'.repeat(10) }, /JWT_SECRET is too predictable/],
    [{ ...PRODUCTION, METRICS_TOKEN: undefined }, /METRICS_TOKEN .*METRICS_PORT/],
    [{ ...PRODUCTION, TRUST_PROXY: 'true' }, /TRUST_PROXY=on trusts any X-Forwarded-For/],
    [{ ...PRODUCTION, ALLOWED_ORIGINS: 'https://*.example.com' }, /host wildcards are not supported/],
  ])('refuses unsafe production settings (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535/],
    ['STREAM_TIMEOUT_MS', '-1', /STREAM_TIMEOUT_MS/],
    ['MAX_MESSAGE_LENGTH', '0', /MAX_MESSAGE_LENGTH/],
    ['GUEST_TOKENS', 'maybe', /GUEST_TOKENS must be "on" or "off"/],
    ['ALLOWED_ORIGINS', 'https://a.example/path', /ALLOWED_ORIGINS has "https:\/\/a.example\/path"/],
    ['ALLOWED_ORIGINS', 'shop.example.com', /not an origin/],
    ['JWT_PUBLIC_KEY', 'not a key', /JWT_PUBLIC_KEY must be a PEM/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must start with redis:\/\//],
  ])('names the variable when %s=%s is malformed', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('accepts the secrets openssl makes, and metrics behind METRICS_PORT instead of a token', () => {
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: 'q3J0VJm4xWc8tT1nA7sYp2LzR9dK5fH6bG0eU4iO1wE=' }).jwtSecret).toBeDefined();
    expect(loadConfig({ ...PRODUCTION, JWT_SECRET: '9c1e5b2d8f4a6c0e9b1d3f5a7c9e1b2d' }).jwtSecret).toBeDefined();
    expect(loadConfig({ ...PRODUCTION, METRICS_TOKEN: undefined, METRICS_PORT: '9100' }).metricsPort).toBe(9100);
  });

  it('verifies nothing with the development secret once a public key is configured', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
    expect(loadConfig({ JWT_PUBLIC_KEY: pem }).jwtSecret).toBeUndefined();
    expect(loadConfig({}).jwtSecret).toBe(DEV_JWT_SECRET);
  });

  it.each([
    ['on', true],
    ['TRUE', true],
    ['off', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses a TRUST_PROXY that is no address, instead of failing later', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy' })).toThrow(/TRUST_PROXY must be off, a number of proxies, or addresses/);
  });

  it('never repeats the password of a malformed REDIS_URL', () => {
    for (const url of ['user:hunter2@localhost:6379', 'http://user:hunter2@localhost:6379']) {
      expect(() => loadConfig({ REDIS_URL: url })).toThrow(/REDIS_URL must start with redis:\/\//);
      expect(() => loadConfig({ REDIS_URL: url })).not.toThrow(/hunter2/);
    }
  });

  it('takes a Redis Cluster by its nodes, with conversations in PostgreSQL, and WORKERS on it', () => {
    const nodes = 'redis-a:7000, redis-b:7001';
    const config = loadConfig({ REDIS_CLUSTER_NODES: nodes, DATABASE_URL: 'postgres://chat@db/chat', WORKERS: '2' });
    expect(config.redis).toEqual({ clusterNodes: ['redis-a:7000', 'redis-b:7001'] });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-a' })).toThrow(/REDIS_CLUSTER_NODES must be a comma-separated list of host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: nodes, REDIS_URL: 'redis://r' })).toThrow(/not both/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: nodes })).toThrow(/conversations are kept in PostgreSQL: set DATABASE_URL/);
    expect(() => loadConfig({ WORKERS: 'auto' })).toThrow(/needs REDIS_URL/);
  });

  it('sizes the body limit for MAX_MESSAGE_LENGTH characters however they are escaped', () => {
    const { maxBodyBytes } = loadConfig({ MAX_MESSAGE_LENGTH: '16384' });
    // `\uD83D\uDE00` for each of them: 12 bytes a character, the widest escape.
    expect(maxBodyBytes).toBeGreaterThan(12 * 16_384 + '{"message":""}'.length);
  });

  it('refuses token lifetimes longer than JWT_MAX_AGE_S', () => {
    expect(loadConfig({}).jwtMaxAgeS).toBe(86_400);
    expect(() => loadConfig({ JWT_MAX_AGE_S: '600' })).toThrow(/TOKEN_TTL_S=3600 is longer than JWT_MAX_AGE_S=600/);
  });

  it('reads comma-separated origins, with port wildcards', () => {
    const config = loadConfig({ ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:*' });
    expect(config.allowedOrigins).toEqual(['https://a.example.com', 'http://localhost:*']);
  });
});
