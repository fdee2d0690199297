import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Action } from 'actstream';
import { csvRow, csvStringifier } from './action-log-csv.js';
import { ActionLogFilterError, filtersFromSearch, type ActionLogFilters } from './action-log-filters.js';
import { actionLogRows } from './action-log-query.js';
import { stillStaff } from './auth.js';
import { ReferenceLabels } from './reference-labels.js';

/** Where the export answers, under the admin's root path. */
export const ACTION_LOG_EXPORT_PATH = '/export/action-log.csv';

/** Rows per statement. */
const PAGE_SIZE = 1000;
/** Rows per lookup of their references' labels. */
const BATCH = 1000;

function refuse(res: Response, status: number, message: string): void {
  res.status(status).json({ notice: { message, type: 'error' } });
}

/**
 * Whether the request may export: a staff user's admin session (checked again here, so the export
 * stays closed wherever it is mounted). Answers 401 for no admin login, 403 for a site login that
 * is not staff.
 */
async function allowed(req: Request, res: Response): Promise<boolean> {
  const session = req.session as { adminUser?: { id?: string }; userId?: number } | undefined;
  if (session?.adminUser && (await stillStaff(session.adminUser.id))) return true;
  if (session?.userId !== undefined && !(await stillStaff(String(session.userId)))) {
    refuse(res, 403, 'Only staff can export the Action log.');
  } else {
    refuse(res, 401, 'Log in to the admin to export the Action log.');
  }
  return false;
}

/** The rows as CSV records, a batch at a time: one lookup of the batch's references, then its records. */
async function* csvRows(first: IteratorResult<Action>, rest: AsyncGenerator<Action>): AsyncGenerator<string[]> {
  if (first.done) return;
  const labels = new ReferenceLabels(10 * BATCH);
  let batch: Action[] = [first.value];
  for (;;) {
    const next = await rest.next();
    if (!next.done) batch.push(next.value);
    if (batch.length === BATCH || (next.done && batch.length)) {
      await labels.load(batch);
      for (const action of batch) yield csvRow(action, labels);
      batch = [];
    }
    if (next.done) return;
  }
}

async function exportCsv(req: Request, res: Response): Promise<void> {
  if (!(await allowed(req, res))) return;
  let filters: ActionLogFilters;
  try {
    filters = filtersFromSearch(new URLSearchParams(req.originalUrl.split('?')[1] ?? ''));
  } catch (error) {
    if (error instanceof ActionLogFilterError) return refuse(res, 400, `Cannot filter the Action log: ${error.message}`);
    throw error;
  }
  const rows = actionLogRows(filters, { pageSize: PAGE_SIZE });
  // The first read happens before anything is sent, so a database that is down still gets its 503.
  const first = await rows.next();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="action-log-${stamp}.csv"`,
    'Cache-Control': 'no-store',
  });
  // pipeline waits for the client to take each chunk (memory stays at a page or so), and stops
  // reading the database if the client goes away. No rows still gives the header.
  await pipeline(Readable.from(csvRows(first, rows)), csvStringifier(), res);
}

/**
 * GET <admin root>/export/action-log.csv: the Action log as CSV for an audit, with the list's
 * `filters.*` query, newest first, streamed (any number of rows in constant memory). Staff only.
 */
export function actionLogExport(): Router {
  const router = express.Router();
  router.get(ACTION_LOG_EXPORT_PATH, (req: Request, res: Response, next: NextFunction) => {
    exportCsv(req, res).catch((error: unknown) => {
      // Once the CSV has started, the only honest signal left is a cut-off response.
      if (res.headersSent) res.destroy(error as Error);
      else next(error);
    });
  });
  return router;
}
