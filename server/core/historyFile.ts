/**
 * The value history in the data directory, so a restart keeps the last day of charts.
 * Written whole (temporary file, then rename) every few minutes and on stop.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { MAX_SERIES, type HistoryStore } from './history.ts';

export const HISTORY_FILE = 'history.json';
/** A full store is about 1000 series × 288 buckets × 4 numbers; anything much larger is not ours. */
const MAX_FILE_BYTES = 128 * 1024 * 1024;
/** Wattwire 0.3 and earlier kept a bucket a minute; their files are read too (the minutes merge on restore). */
const MAX_SAVED_BUCKETS = 24 * 60;

const column = z.array(z.number()).max(MAX_SAVED_BUCKETS);
const savedHistory = z.object({
  version: z.literal(1),
  series: z
    .array(
      z.object({
        device: z.string().max(200),
        key: z.string().max(200),
        series: z
          .object({ t: column, min: column, max: column, last: column })
          .refine((s) => s.min.length === s.t.length && s.max.length === s.t.length && s.last.length === s.t.length, {
            message: 't, min, max and last must have the same length',
          }),
      }),
    )
    .max(MAX_SERIES),
});

export class HistoryFileError extends Error {}

export async function saveHistory(dataDir: string, store: HistoryStore): Promise<void> {
  const file = path.join(dataDir, HISTORY_FILE);
  // A name of its own, so two bridges sharing a folder (tests) never rename each other's file.
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: 1, series: store.entries() }));
  await rename(tmp, file);
}

/** Load a saved history into `store`; a missing file is an empty history. Throws HistoryFileError when the file is unusable. */
export async function loadHistory(dataDir: string, store: HistoryStore): Promise<number> {
  const file = path.join(dataDir, HISTORY_FILE);
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0) return 0;
  if (size > MAX_FILE_BYTES) throw new HistoryFileError(`${file} is ${size} bytes, more than a history can be; ignored`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new HistoryFileError(`${file} is not JSON (${(err as Error).message}); ignored`);
  }
  const parsed = savedHistory.safeParse(json);
  if (!parsed.success) throw new HistoryFileError(`${file} is not a saved history (${parsed.error.issues[0]?.message}); ignored`);
  for (const s of parsed.data.series) store.restore(s.device, s.key, s.series);
  return parsed.data.series.length;
}
