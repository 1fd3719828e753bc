import { AssetSyncError } from '@asset-sync/errors';
import { readGitConfig, type Identity } from '@asset-sync/git-store';

/**
 * Who commits to the assets repo: GIT_COMMIT_OWNER / GIT_COMMIT_EMAIL (what CI sets), else the
 * language repo's git config. Asked before anything is built, so a missing identity stops a
 * push before it has done anything.
 */
export async function commitIdentity(repoRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<Identity> {
  const name = env['GIT_COMMIT_OWNER'] || (await readGitConfig(repoRoot, 'user.name'));
  const email = env['GIT_COMMIT_EMAIL'] || (await readGitConfig(repoRoot, 'user.email'));
  if (!name || !email) {
    throw new AssetSyncError('IDENTITY_MISSING', `no identity to commit to the assets repo with (${!name ? 'name' : 'email'} missing)`, {
      hint: 'Set GIT_COMMIT_OWNER and GIT_COMMIT_EMAIL, or run: git config user.name "..." && git config user.email "..."',
    });
  }
  return { name, email };
}
