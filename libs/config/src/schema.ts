import * as z from 'zod';
import { describeValue } from '@asset-sync/errors';
import { checkAssetsRepo, fieldSchemas, hasControlCharacter } from '@asset-sync/assets-json';
import { checkCloneUrl, checkUrlTemplate } from './url.js';
import { checkOtherRemote } from './other-remote.js';

/**
 * The zod schema of asset-sync.yaml. Every issue carries a message tail (`must be a positive
 * integer, found number 0`); the parser puts the dotted path in front.
 */

const mustBe = (expected: string) => (issue: { input?: unknown }): string =>
  `must be ${expected}, found ${describeValue(issue.input)}`;

function checked(expected: string, check: (value: string) => string | undefined) {
  return z.string({ error: mustBe(expected) }).superRefine((value, ctx) => {
    const wrong = check(value);
    if (wrong !== undefined) {
      // "found an empty string" says it all.
      const why = value === '' ? '' : `, ${wrong}`;
      ctx.addIssue({ code: 'custom', message: `must be ${expected}, found ${describeValue(value)}${why}`, input: value });
    }
  });
}

/** Globs are matched from the repo root and must stay in it. */
export function checkGlob(glob: string): string | undefined {
  if (glob.trim() === '') return 'which is empty';
  if (hasControlCharacter(glob)) return 'which contains a control character';
  const pattern = glob.startsWith('!') ? glob.slice(1) : glob;
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern)) return 'which is an absolute path';
  if (pattern.split(/[\\/]/).includes('..')) return 'which leaves the repo with ".."';
  return undefined;
}

const glob = checked('a glob relative to the repo root', checkGlob);
const globs = (expected: string) => z.array(glob, { error: mustBe(expected) });

/** A fork, fallback or backup remote: `owner/name` or a clone URL. */
const otherRemote = checked('"owner/name" or a clone URL', checkOtherRemote);

const positiveInt = (() => {
  const error = mustBe('a whole number from 1 to 256');
  return z.number({ error }).int({ error }).min(1, { error }).max(256, { error });
})();

export const configFileSchema = z.strictObject(
  {
    discovery: z
      .strictObject(
        {
          globs: globs('a list of globs').min(1, { error: mustBe('a list of at least one glob') }).optional(),
          ignore: globs('a list of globs').optional(),
        },
        { error: mustBe('a map with "globs" and "ignore"') },
      )
      .optional(),
    assetsDir: checked('a folder path', (value) =>
      value === '' ? 'which is empty' : hasControlCharacter(value) ? 'which contains a control character' : undefined,
    ).optional(),
    storeDir: checked('a folder path', (value) =>
      value === '' ? 'which is empty' : hasControlCharacter(value) ? 'which contains a control character' : undefined,
    ).optional(),
    concurrency: z
      .strictObject(
        { network: positiveInt.optional(), local: positiveInt.optional() },
        { error: mustBe('a map with "network" and "local"') },
      )
      .optional(),
    remotes: z
      .record(z.string(), checked('a clone URL', checkCloneUrl), { error: mustBe('a map from "owner/name" to a clone URL') })
      .superRefine((remotes, ctx) => {
        for (const key of Object.keys(remotes)) {
          const wrong = checkAssetsRepo(key);
          if (wrong !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `must be keyed by an assets repo as "owner/name", found ${describeValue(key)}, ${wrong}`,
              input: key,
            });
          }
        }
      })
      .optional(),
    remoteUrlTemplate: checked('a URL template', checkUrlTemplate).optional(),
    recordings: z
      .record(z.string(), globs('a list of globs'), { error: mustBe('a map from language to a list of globs') })
      .optional(),
    defaults: z
      .strictObject(
        {
          AssetsRepo: fieldSchemas.AssetsRepo.optional(),
          AssetsRepoPrefixPath: fieldSchemas.AssetsRepoPrefixPath.optional(),
        },
        { error: mustBe('a map with "AssetsRepo" and "AssetsRepoPrefixPath"') },
      )
      .optional(),
    fork: otherRemote.optional(),
    fallbackRemotes: z.array(otherRemote, { error: mustBe('a list of "owner/name" or clone URLs') }).optional(),
  },
  { error: mustBe('a map of settings') },
);

export type ConfigFileSettings = z.output<typeof configFileSchema>;

/** The keys each map of asset-sync.yaml allows, for did-you-mean hints. */
export const ALLOWED_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(configFileSchema.shape),
  discovery: ['globs', 'ignore'],
  concurrency: ['network', 'local'],
  defaults: ['AssetsRepo', 'AssetsRepoPrefixPath'],
};

/** What would make a setting right, by its first path segment. */
export const SETTING_HINTS: Readonly<Record<string, string>> = {
  discovery: 'list globs relative to the repo root, e.g. globs: ["sdk/**/assets.json"]',
  assetsDir: 'use a folder inside the language repo, e.g. ".assets", or an absolute path outside it',
  storeDir: 'use an absolute folder outside the language repo, e.g. "~/.cache/asset-sync", or leave it out for a store per assets dir',
  concurrency: 'use a whole number from 1 to 256',
  remotes: 'map "owner/name" to a clone URL, e.g. Azure/azure-sdk-assets: git@github.com:Azure/azure-sdk-assets.git',
  remoteUrlTemplate: 'use the placeholders {repo}, {owner} and {name}, e.g. "https://github.com/{repo}.git"',
  fork: 'name your fork of the assets repo, e.g. fork: octocat/azure-sdk-assets',
  fallbackRemotes: 'list forks restore may read missing pins from, e.g. fallbackRemotes: [octocat/azure-sdk-assets]',
  recordings: 'map a language to globs, e.g. python: ["sdk/**/tests/recordings"]',
  defaults: 'use the values of an assets.json, e.g. AssetsRepo: Azure/azure-sdk-assets',
};
