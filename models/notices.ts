import type { Model } from 'sequelize';
import type { RecordedAction, Recipients } from 'actstream';
import { Comment } from './comment.js';
import { Group } from './group.js';
import { User } from './user.js';

// Who the app notifies of what (the library only delivers): a followed user hears of their new
// follower, a group's followers hear of a comment in it (its author does not).

/** For `follow(…, { notify })`: a user who gets followed is told; following anything else tells nobody. */
export function followedNotice(followed: Model, follower: User): Recipients | null {
  return followed instanceof User && followed.id !== follower.id ? [followed] : null;
}

/**
 * For the tracked `created` action of a Comment (trackAppModels): the followers of its group, except
 * its author and whoever wrote it in (a staff user in the admin, say).
 */
export async function commentNotice(instance: Model, { verb, actor, transaction }: RecordedAction): Promise<Recipients | null> {
  if (verb !== 'created' || !(instance instanceof Comment) || instance.groupId === null) return null;
  const group = await Group.findByPk(instance.groupId, { transaction });
  if (!group) return null;
  const author = instance.authorId === null ? null : await User.findByPk(instance.authorId, { transaction });
  const except = [actor, author].filter(
    (user): user is User => user instanceof User,
  );
  return { followersOf: group, except };
}
