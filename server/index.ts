// `npm start`: opens (and migrates) the database, seeds demo data once, and serves the app on PORT.
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels, trackAppModels } from '../models/index.js';
import { createApp } from './app.js';
import { configFromEnv } from './config.js';
import { seedDemoData } from './demo-data.js';
import { ensureStaffUser } from './users.js';

const config = configFromEnv();
const sequelize = await connect();
const ran = await migrate(sequelize);
if (ran.length) console.log(`Migrated: ${ran.join(', ')}`);
initModels(sequelize);
trackAppModels();
if (await seedDemoData()) console.log('Seeded demo data.');
if (config.adminEmail && config.adminPassword) {
  const admin = await ensureStaffUser(config.adminEmail, config.adminPassword);
  console.log(`Staff user: ${admin.email}`);
}

const app = await createApp({ sequelize, config });
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => console.log(`Actstream listening on http://localhost:${port}`));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(async () => {
      await sequelize.close();
      process.exit(0);
    });
  });
}
