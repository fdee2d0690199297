import { expect } from 'chai';
import { configFromEnv } from '../../server/config.js';

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
    });
  });

  it('outside production keeps one made-up secret across restarts', () => {
    const first = configFromEnv({});
    const second = configFromEnv({});
    expect(first.production).to.equal(false);
    expect(first.sessionSecret).to.match(/^[0-9a-f]{64}$/);
    expect(second.sessionSecret).to.equal(first.sessionSecret);
  });
});
