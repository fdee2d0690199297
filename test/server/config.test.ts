import { expect } from 'chai';
import { configFromEnv, trustProxySetting } from '../../config/server.js';

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
    });
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
