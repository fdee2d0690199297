import { expect } from 'chai';
import { configFromEnv, trustProxySetting, writeLimitSetting } from '../../config/server.js';

describe('server configuration from the environment', () => {
  it('refuses to run in production without SESSION_SECRET', () => {
    expect(() => configFromEnv({ NODE_ENV: 'production' })).to.throw(/SESSION_SECRET must be set/);
  });

  it('takes the secret and the staff login from the environment', () => {
    const config = configFromEnv({
      NODE_ENV: 'production',
      SESSION_SECRET: 's3cret-from-env',
      ADMIN_EMAIL: 'boss@example.com',
      ADMIN_PASSWORD: 'pw',
    });
    expect(config).to.deep.equal({
      sessionSecret: 's3cret-from-env',
      production: true,
      adminEmail: 'boss@example.com',
      adminPassword: 'pw',
      trustProxy: false,
      writeLimit: { limit: 120, windowMs: 60_000 },
      readYourWritesMs: 5000,
    });
  });

  it('reads READ_YOUR_WRITES_MS (0 turns the window off), refusing what is not a whole number', () => {
    const env = { SESSION_SECRET: 's' };
    expect(configFromEnv({ ...env, READ_YOUR_WRITES_MS: '250' }).readYourWritesMs).to.equal(250);
    expect(configFromEnv({ ...env, READ_YOUR_WRITES_MS: '0' }).readYourWritesMs).to.equal(0);
    expect(() => configFromEnv({ ...env, READ_YOUR_WRITES_MS: 'soon' })).to.throw('READ_YOUR_WRITES_MS must be a whole number of at least 0, got "soon"');
  });

  it('limits writes per user to WRITE_LIMIT per WRITE_LIMIT_WINDOW_SECONDS (0: no limit), refusing settings that are not whole numbers', () => {
    expect(writeLimitSetting({})).to.deep.equal({ limit: 120, windowMs: 60_000 });
    expect(writeLimitSetting({ WRITE_LIMIT: '30', WRITE_LIMIT_WINDOW_SECONDS: '10' })).to.deep.equal({ limit: 30, windowMs: 10_000 });
    expect(writeLimitSetting({ WRITE_LIMIT: '0' })).to.equal(false);
    expect(() => writeLimitSetting({ WRITE_LIMIT: 'lots' })).to.throw('WRITE_LIMIT must be a whole number of at least 0, got "lots"');
    expect(() => writeLimitSetting({ WRITE_LIMIT_WINDOW_SECONDS: '0' })).to.throw('WRITE_LIMIT_WINDOW_SECONDS must be a whole number of at least 1, got "0"');
    expect(() => configFromEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x', WRITE_LIMIT: '-1' })).to.throw(/WRITE_LIMIT/);
  });

  it('trusts no proxy unless TRUST_PROXY says which', () => {
    expect(trustProxySetting(undefined)).to.equal(false);
    expect(trustProxySetting('')).to.equal(false);
    expect(trustProxySetting('false')).to.equal(false);
    expect(trustProxySetting('0')).to.equal(false);
    expect(trustProxySetting('1')).to.equal(1);
    expect(trustProxySetting('true')).to.equal(true);
    expect(trustProxySetting(' loopback, 10.0.0.0/8 ')).to.equal('loopback, 10.0.0.0/8');
    expect(configFromEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x', TRUST_PROXY: '2' }).trustProxy).to.equal(2);
  });

  it('outside production keeps one made-up secret across restarts', () => {
    const first = configFromEnv({});
    const second = configFromEnv({});
    expect(first.production).to.equal(false);
    expect(first.sessionSecret).to.match(/^[0-9a-f]{64}$/);
    expect(second.sessionSecret).to.equal(first.sessionSecret);
  });
});
