import { Database, Resource } from '@adminjs/sequelize';
import AdminJS from 'adminjs';
import { appModels } from '../models/index.js';
import { ACTION_LOG_ID, actionLogResource } from './action-log-resource.js';
import { actstreamFeature, createLinks, type ActstreamFeature } from 'actstream/adminjs';
import { bundleComponents } from './bundle.js';
import { loadComponents } from './components/index.js';
import { dashboardHandler } from './dashboard.js';
import { FOLLOW_ID, followResource } from './follow-resource.js';
import { appRecording } from './recording.js';
import { appResources } from './resources/index.js';

export const ADMIN_ROOT = '/admin';

/**
 * The AdminJS instance over the app's models (call initModels first), with the Action log, the
 * Follow resource, an Activity view on every record and the latest actions on the dashboard.
 * Its components are bundled before it returns.
 */
export async function createAdmin(rootPath: string = ADMIN_ROOT): Promise<AdminJS> {
  AdminJS.registerAdapter({ Database, Resource });
  const { componentLoader, components } = loadComponents();
  // AdminJS names a Sequelize resource after its table.
  const links = createLinks(rootPath, new Map(appModels.map((model) => [model.name, String(model.getTableName())])));
  // Every app resource adds the actstream feature (as another AdminJS app would), with this app's recording.
  const feature: ActstreamFeature = (recording) => actstreamFeature({ componentLoader, actionLogResourceId: ACTION_LOG_ID, ...appRecording, ...recording });
  const admin = new AdminJS({
    rootPath,
    loginPath: `${rootPath}/login`,
    logoutPath: `${rootPath}/logout`,
    componentLoader,
    resources: [
      ...appResources(feature),
      actionLogResource(links, components),
      followResource(links, components),
    ],
    dashboard: { handler: dashboardHandler(links), component: components.Dashboard },
    branding: { companyName: 'Actstream', logo: false, withMadeWithLove: false },
    locale: {
      language: 'en',
      translations: {
        en: {
          labels: { [ACTION_LOG_ID]: 'Action log', [FOLLOW_ID]: 'Follows' },
          actions: { activity: 'Activity', exportCsv: 'Export CSV' },
          components: {
            Login: { welcomeHeader: 'Actstream admin', welcomeMessage: 'Staff only: log in with your email and password.' },
          },
          resources: {
            [ACTION_LOG_ID]: {
              properties: {
                actor: 'Actor',
                actionObject: 'Action object',
                target: 'Target',
                changes: 'Data',
                sentence: 'Sentence',
                actorType: 'Actor type',
                actorId: 'Actor id',
                actionObjectType: 'Action object type',
                actionObjectId: 'Action object id',
                targetType: 'Target type',
                targetId: 'Target id',
                public: 'Public',
              },
            },
            [FOLLOW_ID]: { properties: { user: 'User', object: 'Followed object', contentType: 'Followed type' } },
          },
        },
      },
    },
  });
  await bundleComponents(admin);
  return admin;
}
