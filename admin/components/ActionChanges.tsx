import React from 'react';
import type { BasePropertyProps } from 'adminjs';
import { Badge, Box, Label, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import type { DiffRow } from 'actstream/adminjs';

// An action's JSON data on its show page: the field changes as a before/after table (private ones
// marked: the public never sees them), then the raw JSON. The action log's show hook puts
// "changesJson" (rows) and "dataJson" (the data) into the params.

function parse<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

const ActionChanges: React.FC<BasePropertyProps> = ({ record }) => {
  const rows = parse<DiffRow[]>(record?.params?.changesJson, []);
  const data = parse<unknown>(record?.params?.dataJson, null);
  return (
    <Box mb="xl">
      <Label>Changes (before / after)</Label>
      {rows.length === 0 ? (
        <Text mb="lg">No field changes recorded.</Text>
      ) : (
        <Table mb="lg" data-testid="action-changes">
          <TableHead>
            <TableRow>
              <TableCell>Field</TableCell>
              <TableCell>Before</TableCell>
              <TableCell>After</TableCell>
              <TableCell>Seen by</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row) => (
              <TableRow key={`${row.private ? 'private' : 'public'} ${row.field}`} data-private={row.private ? 'true' : 'false'}>
                <TableCell>{row.field}</TableCell>
                <TableCell>{row.before}</TableCell>
                <TableCell>{row.after}</TableCell>
                <TableCell>{row.private ? <Badge size="sm" variant="danger">private: staff and the person concerned</Badge> : 'everyone'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Label>Data (JSON)</Label>
      <Box as="pre" p="default" bg="grey20" style={{ whiteSpace: 'pre-wrap', fontFamily: 'monospace' }} data-testid="action-data">
        {data === null ? 'null' : JSON.stringify(data, null, 2)}
      </Box>
    </Box>
  );
};

export default ActionChanges;
