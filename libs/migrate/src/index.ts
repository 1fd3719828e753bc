export { migrate, resolveSettings } from './migrate.js';
export type { MigrateOptions, MigrationReport, StepEvent, StepState, UnitPin } from './migrate.js';
export { planMigration, globShape, unitOfFolder, outermostFolders } from './plan.js';
export type {
  Granularity,
  MigrationDialect,
  RecordingsFolder,
  RecordingFile,
  UnsupportedFile,
  PlanInput,
  PlannedFile,
  PlannedUnit,
  SkippedUnit,
  LeftFile,
  MigrationPlan,
} from './plan.js';
export { STEPS, journalPath } from './journal.js';
export type { Step, Journal, MigrationSettings } from './journal.js';
export { scanRecordings, workingTreeBytes } from './scan.js';
export { blobIdOf, blobIdOfFile } from './hash.js';
export { assetsJsonFields, renderAssetsJson, pinnedText } from './pin.js';
