// A host app using the installed actstream package: Express + Sequelize (SQLite) + AdminJS.
// `node --import tsx app.ts` with DATABASE_FILE, ADMIN_EMAIL, ADMIN_PASSWORD (and PORT, else any free
// port); prints {"listening":<port>} once it serves.
import { randomBytes } from 'node:crypto';
import { buildAuthenticatedRouter } from '@adminjs/express';
import { Database, Resource } from '@adminjs/sequelize';
import AdminJS, { ComponentLoader } from 'adminjs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Sequelize } from 'sequelize';
import { action, actorStream, atomically, follow, registry, setup, trackModel, userStream, withActor, type Action } from 'actstream';
import { actstreamFeature } from 'actstream/adminjs';
import { migrate } from './migrate.js';
import { Member, Note, initModels } from './models.js';

const sequelize = new Sequelize({ dialect: 'sqlite', storage: process.env.DATABASE_FILE ?? ':memory:', logging: false });
initModels(sequelize);
setup(sequelize, { userModel: Member });
registry.register(Member, Note);
trackModel(Note, { create: 'created', update: 'updated', destroy: 'deleted', publicFields: ['text'] });
const ran = await migrate(sequelize);

// The admin: each resource adds the actstream feature in one line.
AdminJS.registerAdapter({ Database, Resource });
const componentLoader = new ComponentLoader();
const admin = new AdminJS({
  rootPath: '/admin',
  componentLoader,
  resources: [
    { resource: Note, options: { editProperties: ['text', 'authorId'] }, features: [actstreamFeature({ componentLoader })] },
    { resource: Member, options: { editProperties: ['name', 'email'] }, features: [actstreamFeature({ componentLoader })] },
  ],
});
// In production AdminJS bundles the custom components (the feature's Activity view) here.
await admin.initialize();
process.env.ADMIN_JS_SKIP_BUNDLE = 'true';

const app = express();
const secret = process.env.SESSION_SECRET ?? randomBytes(32).toString('hex');
app.use(
  admin.options.rootPath,
  buildAuthenticatedRouter(
    admin,
    {
      cookiePassword: secret,
      authenticate: async (email: string, password: string) => {
        if (!process.env.ADMIN_PASSWORD || password !== process.env.ADMIN_PASSWORD) return null;
        const staff = await Member.findOne({ where: { email, isStaff: true } });
        return staff && { id: String(staff.id), email: staff.email, title: staff.name };
      },
    },
    null,
    { secret, resave: false, saveUninitialized: false },
  ),
);
app.use(express.json());

const sentences = (actions: Action[]) => actions.map((a) => ({ id: a.id, verb: a.verb, sentence: a.toString() }));

async function member(id: unknown): Promise<Member> {
  const found = /^\d+$/.test(String(id)) ? await Member.findByPk(String(id)) : null;
  if (!found) throw Object.assign(new Error(`no member ${String(id)}`), { status: 404 });
  return found;
}

const route = (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

app.get('/migrations', (_req, res) => {
  res.json({ ran });
});
app.post(
  '/members',
  route(async (req, res) => {
    const { name, email, isStaff = false } = req.body as { name?: string; email?: string; isStaff?: boolean };
    res.status(201).json(await Member.create({ name, email, isStaff }));
  }),
);
app.post(
  '/notes',
  route(async (req, res) => {
    const author = await member(req.body.authorId);
    // The note and its "created" action (the tracking hook's, with the author acting) commit together.
    const note = await atomically(() => withActor(author, () => Note.create({ text: req.body.text, authorId: author.id })));
    res.status(201).json(note);
  }),
);
app.post(
  '/actions',
  route(async (req, res) => {
    const actor = await member(req.body.actorId);
    const target = req.body.targetNoteId ? await Note.findByPk(String(req.body.targetNoteId)) : null;
    const sent = await action.send(actor, { verb: String(req.body.verb), target });
    res.status(201).json({ id: sent.id });
  }),
);
app.post(
  '/follows',
  route(async (req, res) => {
    await follow(await member(req.body.userId), await member(req.body.memberId));
    res.status(201).json({ ok: true });
  }),
);
app.get(
  '/members/:id/actions',
  route(async (req, res) => {
    res.json({ actions: sentences((await actorStream(await member(req.params.id))).actions) });
  }),
);
app.get(
  '/members/:id/feed',
  route(async (req, res) => {
    res.json({ actions: sentences((await userStream(await member(req.params.id))).actions) });
  }),
);
app.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
  const status = error.status ?? 500;
  res.status(status).json({ error: status === 500 ? 'internal error' : error.message });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ listening: typeof address === 'object' && address ? address.port : null }));
});
