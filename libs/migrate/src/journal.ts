import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '@asset-sync/assets-json';
import { AssetSyncError } from '@asset-sync/errors';
import type { Granularity, MigrationDialect, MigrationPlan } from './plan.js';

export const STEPS = ['plan', 'write', 'publish', 'pin', 'verify', 'remove'] as const;
export type Step = (typeof STEPS)[number];

/** What the user asked for; a resumed run must ask for the same (or nothing). */
export interface MigrationSettings {
  assetsRepo: string;
  prefix: string;
  recordings: string[];
  granularity: Granularity;
  dialect: MigrationDialect;
  fallbackBranch: string;
  branch?: string;
  force: boolean;
  maxCommitBytes?: number;
}

export interface StepRecord {
  ms: number;
  at: string;
  /** What the step did, in a phrase (files, commits, refs, sub-timings). */
  detail?: string;
}

/**
 * The migration's record of itself, kept in the language repo's git dir (never in the working
 * tree, never committed). Each step is recorded once it is complete, so a run that was killed
 * anywhere resumes at the first step not recorded; every step also re-checks what the assets repo
 * and the language repo already hold, so redoing part of a step duplicates nothing.
 */
export interface Journal {
  version: 1;
  startedAt: string;
  settings: MigrationSettings;
  plan: MigrationPlan;
  /** Working-tree size before anything was changed. */
  sizeBefore: number;
  /** The fallback branch head the first commit was built on (null: the assets repo had none). */
  parent?: string | null;
  /** One commit per layer, in order. */
  commits?: Array<{ commit: string; tree: string }>;
  /** Blob id of every migrated file, by language-repo path. */
  oids?: Record<string, string>;
  steps: Partial<Record<Step, StepRecord>>;
}

export function journalPath(gitDir: string): string {
  return join(gitDir, 'asset-sync', 'migrate.json');
}

export async function readJournal(gitDir: string): Promise<Journal | undefined> {
  const file = journalPath(gitDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal.version !== 1 || !journal.plan || !journal.settings) throw new Error('unknown shape');
    return journal;
  } catch {
    throw new AssetSyncError('MIGRATION_FAILED', `${file} is not a migration journal asset-sync can read`, {
      file,
      hint: `If no migration is in progress, delete ${file} and run asset-sync migrate again.`,
    });
  }
}

/** Written atomically (the one atomic write, assets-json's), so a crash never leaves half a journal. */
export async function writeJournal(gitDir: string, journal: Journal): Promise<void> {
  const file = journalPath(gitDir);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomically(file, JSON.stringify(journal));
}

export async function removeJournal(gitDir: string): Promise<void> {
  await rm(journalPath(gitDir), { force: true });
}

/** Which settings differ between a journal and a new request, as `name: journal -> asked`. */
export function settingsDiffer(recorded: MigrationSettings, asked: Partial<MigrationSettings>): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(asked) as Array<keyof MigrationSettings>) {
    const value = asked[key];
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(recorded[key])) {
      differences.push(`${key}: ${JSON.stringify(recorded[key])} -> ${JSON.stringify(value)}`);
    }
  }
  return differences;
}
