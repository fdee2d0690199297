import type { ResourceWithOptions } from 'adminjs';
import type { ActstreamFeature, RecordingOptions } from 'actstream/adminjs';
import { Band, Comment, Group, Location, User } from '../../models/index.js';
import { SecretFreeResource } from '../sequelize-resource.js';
import { concertResource } from './concert.js';

/** The app's models in the admin, each opting into the actstream feature (edits recorded, Activity view). */
export function appResources(actstream: ActstreamFeature): ResourceWithOptions[] {
  const withFeature = ({ resource, options, recording }: ResourceWithOptions & { recording?: RecordingOptions }): ResourceWithOptions => ({
    resource,
    options: { navigation: { name: 'App', icon: 'Database' }, ...options },
    features: [actstream(recording)],
  });
  return [
    withFeature({
      resource: new SecretFreeResource(User, ['passwordHash']),
      options: {
        listProperties: ['id', 'name', 'email', 'isStaff'],
        editProperties: ['name', 'email', 'isStaff'],
        // The hash is never shown, filtered on or edited; passwords are set with `npm run create-admin`.
        properties: { passwordHash: { isVisible: false } },
      },
    }),
    withFeature({ resource: Group, options: { editProperties: ['name'] } }),
    withFeature({ resource: Comment, options: { editProperties: ['text', 'authorId', 'groupId'] } }),
    withFeature({ resource: Band, options: { editProperties: ['name'] } }),
    withFeature({ resource: Location, options: { editProperties: ['name', 'city'] } }),
    withFeature(concertResource()),
  ];
}
