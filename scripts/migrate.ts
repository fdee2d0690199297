// `npm run migrate`: runs pending migrations on DATABASE_URL (default: the SQLite file under data/).
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrate.js';

const sequelize = await connect();
const ran = await migrate(sequelize);
console.log(ran.length ? `Migrated: ${ran.join(', ')}` : 'Nothing to migrate.');
await sequelize.close();
