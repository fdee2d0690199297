import React, { useEffect, useState } from 'react';
import { ApiClient } from 'adminjs';
import { Box, H2, Link, Loader, MessageBox, Text } from '@adminjs/design-system';
import type { GroupView, ReferenceView } from 'actstream/adminjs';

// The dashboard: the latest activity across the site, similar actions grouped, as sentences with links.

const api = new ApiClient();

function Ref({ value }: { value: ReferenceView }) {
  return value.href ? <Link href={value.href}>{value.label}</Link> : <Text as="span">{value.label}</Text>;
}

/** "Ann", "Ann and Bob", "Ann, Bob and Cleo", "Ann, Bob and 3 others". */
function Actors({ group }: { group: GroupView }) {
  return (
    <>
      {group.actors.map((actor, i) => (
        <React.Fragment key={`${actor.type} ${actor.id}`}>
          {i > 0 && (i === group.actors.length - 1 && group.others === 0 ? ' and ' : ', ')}
          <Ref value={actor} />
        </React.Fragment>
      ))}
      {group.others > 0 && ` and ${group.others} others`}
    </>
  );
}

function Sentence({ group }: { group: GroupView }) {
  return (
    <Box py="default" data-testid="dashboard-action" style={{ borderBottom: '1px solid #eee' }}>
      <Actors group={group} /> <Text as="span">{group.verb}</Text>{' '}
      {group.actionObject && <Ref value={group.actionObject} />}
      {group.target && (
        <>
          {group.actionObject ? ' on ' : ' '}
          <Ref value={group.target} />
        </>
      )}{' '}
      <Link href={group.href}>
        <Text as="span" color="grey60" title={group.timestamp}>
          {group.ago}
        </Text>
      </Link>
      {group.count > 1 && <Text as="span" color="grey60"> ({group.count} actions)</Text>}
      {!group.public && <Text as="span"> (private)</Text>}
    </Box>
  );
}

const Dashboard: React.FC = () => {
  const [groups, setGroups] = useState<GroupView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getDashboard()
      .then((response) => setGroups((response.data as { groups?: GroupView[] }).groups ?? []))
      .catch((e: unknown) => setError(String(e)));
  }, []);

  return (
    <Box variant="container" m="xl" data-testid="dashboard">
      <H2>Latest activity</H2>
      {error && <MessageBox message={error} variant="danger" />}
      {!groups && !error && <Loader />}
      {groups && groups.length === 0 && <Text>Nothing has happened yet.</Text>}
      {groups?.map((group) => <Sentence key={group.id} group={group} />)}
    </Box>
  );
};

export default Dashboard;
