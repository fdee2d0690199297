import React from 'react';
import { ViewHelpers, type ActionProps } from 'adminjs';
import { Box, Button, H3, Icon, Text } from '@adminjs/design-system';

// The Action log's "Export CSV" drawer: opened from the list, it keeps the list's filters in the URL
// (AdminJS carries them into a drawer action) and links to the CSV export with the same filters.
// The path is the one admin/action-log-export.ts answers on.
const EXPORT_PATH = ['export', 'action-log.csv'];

const ExportActionLog: React.FC<ActionProps> = ({ resource }) => {
  const current = new URLSearchParams(window.location.search);
  const filters = new URLSearchParams();
  for (const [key, value] of current) if (key.startsWith('filters.')) filters.append(key, value);
  const query = filters.toString();
  const h = new ViewHelpers();
  const href = h.urlBuilder(EXPORT_PATH, query ? `?${query}` : '');
  const back = h.resourceUrl({ resourceId: resource.id, search: query ? `?${query}` : '' });
  const shown = [...filters].map(([key, value]) => `${key.slice('filters.'.length).replace('~~', ' ')} = ${value}`);
  return (
    <Box variant="container" data-testid="action-log-export">
      <H3>Export the Action log as CSV</H3>
      <Text mb="lg">
        {shown.length ? 'With the filters of the list:' : 'No filters: every action, newest first.'}
      </Text>
      {shown.length > 0 && (
        <Box as="ul" mb="lg">
          {shown.map((line) => (
            <li key={line}>
              <Text as="span">{line}</Text>
            </li>
          ))}
        </Box>
      )}
      <Button as="a" href={href} variant="contained" data-testid="action-log-export-link" download>
        <Icon icon="Download" />
        Download CSV
      </Button>
      <Button as="a" href={back} variant="light" ml="default">
        Back to the list
      </Button>
    </Box>
  );
};

export default ExportActionLog;
