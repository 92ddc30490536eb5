import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from '../../server/config.js';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ALLOWED_ORIGINS: 'https://shop.example.com' };

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
      conversationTtlS: 86_400,
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

  it('reads comma-separated origins, with port wildcards', () => {
    const config = loadConfig({ ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:*' });
    expect(config.allowedOrigins).toEqual(['https://a.example.com', 'http://localhost:*']);
  });
});
