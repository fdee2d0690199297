import React, { useEffect, useState } from 'react';
import { ApiClient } from 'adminjs';
import { Box, H2, Link, Loader, MessageBox, Text } from '@adminjs/design-system';
import type { ActionView, ReferenceView } from '../action-view.js';

// The dashboard: the latest actions across the site, as sentences with links.

const api = new ApiClient();

function Ref({ value }: { value: ReferenceView }) {
  return value.href ? <Link href={value.href}>{value.label}</Link> : <Text as="span">{value.label}</Text>;
}

function Sentence({ action }: { action: ActionView }) {
  return (
    <Box py="default" data-testid="dashboard-action" style={{ borderBottom: '1px solid #eee' }}>
      <Ref value={action.actor} /> <Text as="span">{action.verb}</Text>{' '}
      {action.actionObject && <Ref value={action.actionObject} />}
      {action.target && (
        <>
          {action.actionObject ? ' on ' : ' '}
          <Ref value={action.target} />
        </>
      )}{' '}
      <Link href={action.href}>
        <Text as="span" color="grey60" title={action.timestamp}>
          {action.ago}
        </Text>
      </Link>
      {!action.public && <Text as="span"> (private)</Text>}
    </Box>
  );
}

const Dashboard: React.FC = () => {
  const [actions, setActions] = useState<ActionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .getDashboard()
      .then((response) => setActions((response.data as { actions?: ActionView[] }).actions ?? []))
      .catch((e: unknown) => setError(String(e)));
  }, []);

  return (
    <Box variant="container" m="xl" data-testid="dashboard">
      <H2>Latest activity</H2>
      {error && <MessageBox message={error} variant="danger" />}
      {!actions && !error && <Loader />}
      {actions && actions.length === 0 && <Text>Nothing has happened yet.</Text>}
      {actions?.map((action) => <Sentence key={action.id} action={action} />)}
    </Box>
  );
};

export default Dashboard;
