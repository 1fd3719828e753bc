import type { Prng } from './prng.js';
import { pascal, realCppNames, type CatalogEntry } from './catalog.js';

const VERBS = [
  'create', 'get', 'list', 'delete', 'update', 'upsert', 'query', 'upload', 'download', 'copy', 'set', 'begin_create',
  'cancel', 'analyze', 'send', 'receive', 'peek', 'renew', 'acquire', 'restore', 'backup', 'purge', 'recover',
  'rotate', 'sign', 'verify', 'encrypt', 'decrypt', 'import', 'export', 'validate', 'check', 'poll', 'merge',
];

const NOUNS = [
  'entity', 'table', 'item', 'resource', 'secret', 'key', 'certificate', 'blob', 'container', 'queue', 'message',
  'file', 'share', 'directory', 'setting', 'snapshot', 'document', 'index', 'model', 'job', 'operation', 'policy',
  'rule', 'endpoint', 'account', 'deployment', 'thread', 'run', 'agent', 'vector_store', 'session', 'topic',
  'event', 'partition', 'checkpoint', 'lease', 'token', 'batch', 'page', 'version', 'tag', 'label', 'property',
];

const QUALIFIERS = [
  'with_tags', 'with_etag', 'if_match', 'paged', 'by_page', 'with_filter', 'empty', 'unicode', 'large',
  'conditional', 'with_metadata', 'select', 'top', 'continuation', 'timeout', 'retry', 'special_characters',
  'binary', 'json', 'xml', 'basic', 'not_found', 'already_exists', 'with_options',
];

const NET_PARAMS = ['V2021_02_12', 'V2023_11_03', '7.4', '7.5', 'CosmosTable', 'Storage', 'True', 'False', 'AAD', 'Sas'];
const NET_ARGS = [
  'True', 'False', '%\'foo\'', '\'name with spaces\'', '\'a,b\'', '100', 'null', '%20', '\'PartitionKey eq \'\'p1\'\'\'',
  '5,True', 'False,%\'x y\'', '\'2024-01-01\'', '1024,\'text plain\'',
];
const CPP_PARAMS = ['Shared', 'Aad', 'Isolated', 'OpenEnclave', 'SgxEnclave', 'Https', 'Sas'];
const GO_VARIANTS = ['storage', 'cosmos', 'aad', 'sas', 'default'];

function camel(snake: string): string {
  const p = pascal(snake);
  return p[0]!.toLowerCase() + p.slice(1);
}

/** One plausible recording path, relative to the package folder (for cpp: the service folder). */
function oneName(entry: CatalogEntry, rng: Prng): string {
  const verb = rng.pick(VERBS);
  const noun = rng.pick(NOUNS);
  const qual = rng.bool(0.45) ? `_${rng.pick(QUALIFIERS)}` : '';
  const svc = pascal(entry.service);
  switch (entry.language) {
    case 'python': {
      const moduleNoun = rng.pick(NOUNS);
      const isAsync = rng.bool(0.4);
      const module = `test_${moduleNoun}${isAsync ? '_async' : ''}.py`;
      const cls = `Test${svc}${pascal(moduleNoun)}${isAsync ? 'Async' : ''}`;
      return `tests/recordings/${module}${cls}test_${verb}_${noun}${qual}.json`;
    }
    case 'js': {
      const describe = rng.pick([`${noun}_operations`, `${entry.service}_test`, `${noun}_client__${verb}`, `${camel(noun)}Client`]);
      const platform = rng.bool(0.15) ? 'browsers' : 'node';
      return `recordings/${platform}/${describe}/recording_should_${verb}_a_${noun}${qual}.json`;
    }
    case 'net': {
      const cls = `${pascal(noun)}${rng.pick(['Client', 'Service', 'Operations'])}LiveTests`;
      const dir = rng.bool(0.6) ? `${cls}(${rng.pick(NET_PARAMS)})` : cls;
      const args = rng.bool(0.5) ? `(${rng.pick(NET_ARGS)})` : '';
      const asyncSuffix = rng.bool(0.6) ? 'Async' : '';
      return `tests/SessionRecords/${dir}/${pascal(verb)}${pascal(noun)}${pascal(qual)}${args}${asyncSuffix}.json`;
    }
    case 'java': {
      const cls = `${pascal(noun)}${rng.pick(['Client', 'AsyncClient', 'ServiceClient'])}Test`;
      const index = rng.bool(0.8) ? 1 : rng.int(2, 4);
      return `src/test/resources/session-records/${cls}.${camel(`${verb}_${noun}${qual}`)}[${index}].json`;
    }
    case 'go': {
      const test = `Test${pascal(verb)}${pascal(noun)}${pascal(qual)}`;
      return rng.bool(0.3)
        ? `testdata/recordings/${test}/${test}_${rng.pick(GO_VARIANTS)}.json`
        : `testdata/recordings/${test}.json`;
    }
    case 'cpp': {
      const pkg = rng.pick(entry.innerPackages ?? [`azure-${entry.service}`]);
      const real = realCppNames(entry.service, pkg);
      const name = real.length > 0 && rng.bool(0.7)
        ? rng.pick(real)
        : `${pascal(noun)}ClientTest.${pascal(verb)}${pascal(noun)}${pascal(qual)}${rng.bool(0.3) ? `-${rng.pick(CPP_PARAMS)}` : ''}`;
      return `${pkg}/test/ut/recordings/${name}.json`;
    }
    case 'rust': {
      const crate = entry.nesting === 'service' ? (entry.innerPackages?.[0] ?? 'azure_core') : '';
      const base = crate === '' ? '' : `${crate}/`;
      return `${base}tests/recordings/${noun}_client/${verb}_${noun}${qual}.json`;
    }
  }
}

/** `count` distinct recording paths for a package, relative to its folder. */
export function recordingNames(entry: CatalogEntry, count: number, rng: Prng): string[] {
  const names = new Set<string>();
  let attempts = 0;
  while (names.size < count) {
    let name = oneName(entry, rng);
    if (names.has(name) || ++attempts > count * 20) {
      // A small vocabulary runs out for big packages; a numeric suffix keeps names unique and plausible.
      name = name.replace(/(\.json)$/, `_${names.size}$1`);
    }
    names.add(name);
  }
  return [...names];
}
