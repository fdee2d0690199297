import type { Sequelize } from 'sequelize';
import { registry, setup, trackModel, type AnyModel } from 'actstream';
import { ApiToken } from './api-token.js';
import { Band } from './band.js';
import { Comment } from './comment.js';
import { Concert } from './concert.js';
import { Group } from './group.js';
import { Location } from './location.js';
import { commentNotice } from './notices.js';
import { refuseUnstorableText } from './storable.js';
import { User } from './user.js';

export { ApiToken, Band, Comment, Concert, Group, Location, User };
export { hashPassword, verifyPassword } from './password.js';
export { commentNotice, followedNotice } from './notices.js';

/** The app's models, in the order AdminJS lists them. */
export const appModels = [User, Group, Comment, Band, Location, Concert] as const;

/** Defines the app's models and their associations on `sequelize`, sets up actstream and registers them. */
export function initModels(sequelize: Sequelize): void {
  for (const model of appModels) model.initModel(sequelize);
  // API tokens are not registered with actstream: creating one is no activity.
  ApiToken.initModel(sequelize);
  for (const model of [...appModels, ApiToken]) refuseUnstorableText(model);

  Comment.belongsTo(User, { as: 'author', foreignKey: 'authorId' });
  Comment.belongsTo(Group, { as: 'group', foreignKey: 'groupId' });
  Group.hasMany(Comment, { as: 'comments', foreignKey: 'groupId' });
  Concert.belongsTo(Band, { as: 'band', foreignKey: 'bandId' });
  Concert.belongsTo(Location, { as: 'location', foreignKey: 'locationId' });
  Band.hasMany(Concert, { as: 'concerts', foreignKey: 'bandId' });
  Location.hasMany(Concert, { as: 'concerts', foreignKey: 'locationId' });
  ApiToken.belongsTo(User, { as: 'owner', foreignKey: 'userId' });

  setup(sequelize, { userModel: User });
  registry.register(...appModels);
  // What each model's label (toString) reads: a stream page reads no more of the objects it shows
  // (never a user's email or password hash). A Comment reads as "Comment <id>".
  registry.labelledBy(User, ['name']);
  registry.labelledBy(Group, ['name']);
  registry.labelledBy(Comment, []);
  registry.labelledBy(Band, ['name']);
  registry.labelledBy(Location, ['name', 'city']);
  registry.labelledBy(Concert, ['title']);
}

/**
 * What the public may see of each model's changes. Anything not listed here is recorded privately
 * (staff, and the person concerned, see it; see README "Who sees what"); `exclude` is never recorded.
 */
const declarations: { model: AnyModel; publicFields: string[]; exclude?: string[] }[] = [
  // A person's display name is public; their email and staff flag are not, and the hash is never recorded.
  { model: User, publicFields: ['name'], exclude: ['passwordHash'] },
  { model: Group, publicFields: ['name'] },
  // A comment's text is what its author posted for others to read.
  { model: Comment, publicFields: ['text', 'authorId', 'groupId'] },
  { model: Band, publicFields: ['name'] },
  // A venue's name and city are on every poster.
  { model: Location, publicFields: ['name', 'city'] },
  { model: Concert, publicFields: ['title', 'date', 'bandId', 'locationId'] },
];

/**
 * Records creates, updates and deletes of every app model from ordinary code paths. The actor is
 * whoever `withActor` names (the admin, an API user), else the record itself; a new comment in a
 * group notifies the group's followers. Returns a function that stops the tracking (tests that turn
 * it on turn it off again).
 */
export function trackAppModels(): () => void {
  const untrack = declarations.map(({ model, publicFields, exclude }) =>
    trackModel(model, {
      create: 'created',
      update: 'updated',
      destroy: 'deleted',
      publicFields,
      exclude,
      notify: model === Comment ? commentNotice : undefined,
    }),
  );
  return () => untrack.forEach((stop) => stop());
}
