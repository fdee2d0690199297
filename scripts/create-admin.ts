// `npm run create-admin`: creates the staff user named by ADMIN_EMAIL / ADMIN_PASSWORD if missing.
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';
import { initModels } from '../models/index.js';
import { ensureStaffUser } from '../auth/users.js';

const email = process.env.ADMIN_EMAIL;
const password = process.env.ADMIN_PASSWORD;
if (!email || !password) {
  console.error('Set ADMIN_EMAIL and ADMIN_PASSWORD, e.g. ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=... npm run create-admin');
  process.exit(2);
}
const sequelize = await connect();
await migrate(sequelize);
initModels(sequelize);
const user = await ensureStaffUser(email, password);
console.log(`Staff user ${user.email} (id ${user.id}) is ready.`);
await sequelize.close();
