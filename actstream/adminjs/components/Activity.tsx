import React, { useEffect, useState } from 'react';
import { ApiClient, type ActionProps } from 'adminjs';
import {
  Badge,
  Box,
  Button,
  H3,
  Link,
  Loader,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import type { ActionView, ReferenceView } from '../action-view.js';

// The Activity record action: the record's stream, newest first, one page at a time (cursor "next").

interface Page {
  actions: ActionView[];
  next: string | null;
}

const api = new ApiClient();

function Ref({ value }: { value: ReferenceView | null }) {
  if (!value) return <Text as="span">—</Text>;
  return value.href ? <Link href={value.href}>{value.label}</Link> : <Text as="span">{value.label}</Text>;
}

const Activity: React.FC<ActionProps> = ({ resource, record }) => {
  const [pages, setPages] = useState<string[]>([]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const before = pages[pages.length - 1] ?? '';

  useEffect(() => {
    if (!record) return;
    let live = true;
    setPage(null);
    api
      .recordAction({ resourceId: resource.id, recordId: String(record.id), actionName: 'activity', params: { before } })
      .then((response) => {
        if (!live) return;
        const data = response.data as unknown as Page & { notice?: { message: string; type: string } };
        if (data.notice?.type === 'error') setError(data.notice.message);
        setPage({ actions: data.actions ?? [], next: data.next ?? null });
      })
      .catch((e: unknown) => live && setError(String(e)));
    return () => {
      live = false;
    };
  }, [resource.id, record?.id, before]);

  return (
    <Box variant="container" data-testid="activity">
      <H3>Activity of {record?.title ?? ''}</H3>
      {error && <MessageBox message={error} variant="danger" mb="lg" />}
      {!page && <Loader />}
      {page && page.actions.length === 0 && <Text data-testid="activity-empty">No activity yet.</Text>}
      {page && page.actions.length > 0 && (
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Actor</TableCell>
              <TableCell>Verb</TableCell>
              <TableCell>Action object</TableCell>
              <TableCell>Target</TableCell>
              <TableCell>Changed</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {page.actions.map((action) => (
              <TableRow key={action.id} data-testid="activity-row">
                <TableCell title={action.timestamp}>{action.ago}</TableCell>
                <TableCell>
                  <Ref value={action.actor} />
                </TableCell>
                <TableCell>
                  {action.verb} {!action.public && <Badge size="sm">private</Badge>}
                </TableCell>
                <TableCell>
                  <Ref value={action.actionObject} />
                </TableCell>
                <TableCell>
                  <Ref value={action.target} />
                </TableCell>
                <TableCell data-testid="activity-changed">
                  {action.diff.map((row) => (
                    <Text as="span" key={`${row.private ? 'p' : 'o'} ${row.field}`} mr="sm">
                      {row.field}
                      {row.private && <Badge size="sm">private</Badge>}
                    </Text>
                  ))}
                </TableCell>
                <TableCell>
                  {action.href && <Link href={action.href}>details</Link>}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box flex flexDirection="row" mt="lg" style={{ gap: 8 }}>
        {pages.length > 0 && (
          <Button size="sm" onClick={() => setPages(pages.slice(0, -1))}>
            Newer
          </Button>
        )}
        {page?.next && (
          <Button size="sm" data-testid="activity-older" onClick={() => setPages([...pages, page.next!])}>
            Older
          </Button>
        )}
      </Box>
    </Box>
  );
};

export default Activity;
