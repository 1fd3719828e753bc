import { REAL_CPP_RECORDING_NAMES, REAL_PYTHON_PACKAGES } from './fixture-data.js';

export type CorpusLanguage = 'python' | 'js' | 'net' | 'java' | 'go' | 'cpp' | 'rust';

export const CORPUS_LANGUAGES: readonly CorpusLanguage[] = ['python', 'js', 'net', 'java', 'go', 'cpp', 'rust'];

/** A package that can be given an assets.json: where it lives and what its pin is called. */
export interface CatalogEntry {
  language: CorpusLanguage;
  /** Service folder (`tables`), used for hosts, branch names and test vocabulary. */
  service: string;
  /** Directory of the assets.json in the language repo, e.g. `sdk/tables/azure-data-tables`. */
  packagePath: string;
  tagPrefix: string;
  /** Management-plane (ARM) package: recordings talk to management.azure.com. */
  mgmt: boolean;
  /** cpp: the packages inside a service-level pin, whose recordings it holds. */
  innerPackages?: string[];
  /** rust: a service-level pin whose folder holds a package with its own assets.json. */
  nesting?: 'service' | 'package';
}

/**
 * Package folders per language. Python comes from the real assets.json files in the fixtures; the
 * others follow the real repositories' layouts (written from the public repos, not copied).
 */
const JS_PACKAGES = [
  'tables/data-tables', 'storage/storage-blob', 'storage/storage-queue', 'storage/storage-file-share',
  'storage/storage-file-datalake', 'keyvault/keyvault-secrets', 'keyvault/keyvault-keys',
  'keyvault/keyvault-certificates', 'keyvault/keyvault-admin', 'appconfiguration/app-configuration',
  'eventhub/event-hubs', 'servicebus/service-bus', 'cosmosdb/cosmos', 'identity/identity',
  'search/search-documents', 'textanalytics/ai-text-analytics', 'formrecognizer/ai-form-recognizer',
  'communication/communication-chat', 'communication/communication-sms', 'communication/communication-identity',
  'communication/communication-email', 'agrifood/agrifood-farming-rest', 'ai/ai-agents', 'ai/ai-projects',
  'advisor/arm-advisor', 'eventgrid/eventgrid', 'schemaregistry/schema-registry', 'digitaltwins/digital-twins-core',
  'containerregistry/container-registry', 'monitor/monitor-query', 'openai/openai', 'maps/maps-route-rest',
  'web-pubsub/web-pubsub', 'attestation/attestation', 'confidentialledger/confidential-ledger-rest',
  'purview/purview-datamap-rest', 'batch/batch-rest', 'translation/ai-translation-text-rest',
  'documentintelligence/ai-document-intelligence-rest', 'healthinsights/health-insights-radiologyinsights-rest',
];

const NET_PACKAGES = [
  'tables/Azure.Data.Tables', 'storage/Azure.Storage.Blobs', 'storage/Azure.Storage.Queues',
  'storage/Azure.Storage.Files.Shares', 'storage/Azure.Storage.Files.DataLake',
  'keyvault/Azure.Security.KeyVault.Secrets', 'keyvault/Azure.Security.KeyVault.Keys',
  'keyvault/Azure.Security.KeyVault.Certificates', 'keyvault/Azure.Security.KeyVault.Administration',
  'appconfiguration/Azure.Data.AppConfiguration', 'eventhub/Azure.Messaging.EventHubs',
  'servicebus/Azure.Messaging.ServiceBus', 'identity/Azure.Identity', 'search/Azure.Search.Documents',
  'textanalytics/Azure.AI.TextAnalytics', 'formrecognizer/Azure.AI.FormRecognizer',
  'documentintelligence/Azure.AI.DocumentIntelligence', 'communication/Azure.Communication.Chat',
  'communication/Azure.Communication.Sms', 'eventgrid/Azure.Messaging.EventGrid',
  'containerregistry/Azure.Containers.ContainerRegistry', 'monitor/Azure.Monitor.Query', 'openai/Azure.AI.OpenAI',
  'compute/Azure.ResourceManager.Compute', 'network/Azure.ResourceManager.Network',
  'resources/Azure.ResourceManager.Resources', 'storage/Azure.ResourceManager.Storage',
  'cosmosdb/Azure.ResourceManager.CosmosDB', 'websites/Azure.ResourceManager.AppService',
  'sqlmanagement/Azure.ResourceManager.Sql', 'digitaltwins/Azure.DigitalTwins.Core',
  'schemaregistry/Azure.Data.SchemaRegistry', 'translation/Azure.AI.Translation.Document',
  'confidentialledger/Azure.Security.ConfidentialLedger', 'attestation/Azure.Security.Attestation',
];

const JAVA_PACKAGES = [
  'tables/azure-data-tables', 'storage/azure-storage-blob', 'storage/azure-storage-queue',
  'storage/azure-storage-file-share', 'storage/azure-storage-file-datalake',
  'keyvault/azure-security-keyvault-secrets', 'keyvault/azure-security-keyvault-keys',
  'keyvault/azure-security-keyvault-certificates', 'appconfiguration/azure-data-appconfiguration',
  'eventhubs/azure-messaging-eventhubs', 'servicebus/azure-messaging-servicebus', 'identity/azure-identity',
  'search/azure-search-documents', 'textanalytics/azure-ai-textanalytics', 'formrecognizer/azure-ai-formrecognizer',
  'ai/azure-ai-agents-persistent', 'ai/azure-ai-inference', 'cosmos/azure-cosmos', 'openai/azure-ai-openai',
  'communication/azure-communication-chat', 'communication/azure-communication-sms',
  'eventgrid/azure-messaging-eventgrid', 'containerregistry/azure-containers-containerregistry',
  'monitor/azure-monitor-query', 'compute/azure-resourcemanager-compute', 'network/azure-resourcemanager-network',
  'resources/azure-resourcemanager-resources', 'appservice/azure-resourcemanager-appservice',
  'schemaregistry/azure-data-schemaregistry', 'digitaltwins/azure-digitaltwins-core',
];

const GO_PACKAGES = [
  'data/aztables', 'data/azappconfig', 'data/azcosmos', 'ai/azopenai', 'storage/azblob', 'storage/azqueue',
  'storage/azfile', 'storage/azdatalake', 'security/keyvault/azsecrets', 'security/keyvault/azkeys',
  'security/keyvault/azcertificates', 'security/keyvault/azadmin', 'messaging/azeventhubs',
  'messaging/azservicebus', 'messaging/azeventgrid', 'monitor/query/azlogs', 'monitor/query/azmetrics',
  'containers/azcontainerregistry', 'resourcemanager/compute/armcompute', 'resourcemanager/network/armnetwork',
  'resourcemanager/resources/armresources', 'resourcemanager/storage/armstorage',
];

/** cpp keeps one assets.json per service; its recordings sit in the service's packages. */
const CPP_SERVICES: Record<string, string[]> = {
  attestation: ['azure-security-attestation'],
  tables: ['azure-data-tables'],
  eventhubs: ['azure-messaging-eventhubs', 'azure-messaging-eventhubs-checkpointstore-blob'],
  identity: ['azure-identity'],
  keyvault: ['azure-security-keyvault-keys', 'azure-security-keyvault-secrets', 'azure-security-keyvault-certificates'],
  storage: ['azure-storage-blobs', 'azure-storage-files-shares', 'azure-storage-files-datalake', 'azure-storage-queues'],
};

/** rust nests a service-level assets.json above package-level ones (e.g. sdk/eventhubs). */
const RUST_NESTED: Array<{ service: string; serviceCrate: string; nestedCrate: string }> = [
  { service: 'eventhubs', serviceCrate: 'azure_messaging_eventhubs_checkpointstore_blob', nestedCrate: 'azure_messaging_eventhubs' },
  { service: 'keyvault', serviceCrate: 'azure_security_keyvault_certificates', nestedCrate: 'azure_security_keyvault_secrets' },
  { service: 'storage', serviceCrate: 'azure_storage_queue', nestedCrate: 'azure_storage_blob' },
  { service: 'cosmos', serviceCrate: 'azure_data_cosmos_native', nestedCrate: 'azure_data_cosmos' },
  { service: 'core', serviceCrate: 'azure_core_amqp', nestedCrate: 'azure_core_opentelemetry' },
];

/** Services for synthesized management-plane packages once the real names run out. */
const EXTRA_SERVICES = [
  'compute', 'network', 'resources', 'monitor', 'sql', 'web', 'containerservice', 'datafactory', 'apimanagement',
  'redis', 'cdn', 'dns', 'authorization', 'loganalytics', 'botservice', 'cognitiveservices', 'databricks',
  'devtestlabs', 'hdinsight', 'kusto', 'logic', 'machinelearning', 'maps', 'mysql', 'postgresql',
  'notificationhubs', 'recoveryservices', 'relay', 'security', 'signalr', 'streamanalytics', 'subscription',
  'trafficmanager', 'automation', 'billing', 'consumption', 'costmanagement', 'dataprotection',
  'desktopvirtualization', 'elastic', 'frontdoor', 'hybridcompute', 'managedservices', 'marketplace', 'netapp',
  'policyinsights', 'quota', 'resourcegraph', 'servicefabric', 'storagecache', 'workloads', 'dashboard',
  'dynatrace', 'education', 'fluidrelay', 'graphservices', 'hardwaresecuritymodules', 'iotcentral',
  'labservices', 'maintenance', 'mixedreality', 'networkcloud', 'orbital', 'peering', 'powerbidedicated',
  'providerhub', 'redhatopenshift', 'scvmm', 'selfhelp', 'sphere', 'springappdiscovery', 'support', 'voiceservices',
];

const VARIANT_WORDS = ['admin', 'analytics', 'ingestion', 'query', 'rest', 'batch', 'models', 'extensions', 'preview', 'authoring'];

export function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function entry(language: CorpusLanguage, packagePath: string, mgmt = false): CatalogEntry {
  const parts = packagePath.split('/');
  const service = language === 'go' && parts[1] === 'resourcemanager' ? (parts[2] as string) : (parts[1] as string);
  const name = parts[parts.length - 1] as string;
  return {
    language,
    service,
    packagePath,
    tagPrefix: `${language}/${parts.slice(1).join('/')}`,
    mgmt: mgmt || /azure-mgmt-|ResourceManager|resourcemanager|^arm-|\/arm[a-z]/.test(packagePath) || name.startsWith('arm-'),
  };
}

function synthesized(language: CorpusLanguage, service: string, variant: string | undefined): CatalogEntry | undefined {
  const v = variant === undefined ? '' : `-${variant}`;
  switch (language) {
    case 'python':
      return entry('python', `sdk/${service}/azure-mgmt-${service}${v}`, true);
    case 'js':
      return entry('js', `sdk/${service}/arm-${service}${v}`, true);
    case 'net':
      return entry('net', `sdk/${service}/Azure.ResourceManager.${pascal(service)}${pascal(variant ?? '')}`, true);
    case 'java':
      return entry('java', `sdk/${service}/azure-resourcemanager-${service}${v}`, true);
    case 'go':
      return entry('go', `sdk/resourcemanager/${service}/arm${service}${variant ?? ''}`, true);
    case 'cpp':
      return variant === undefined
        ? { ...entry('cpp', `sdk/${service}`, true), innerPackages: [`azure-resourcemanager-${service}`] }
        : undefined;
    case 'rust':
      return undefined;
  }
}

function realCandidates(language: CorpusLanguage): CatalogEntry[] {
  switch (language) {
    case 'python':
      return REAL_PYTHON_PACKAGES.map((path) => entry('python', path));
    case 'js':
      return JS_PACKAGES.map((path) => entry('js', `sdk/${path}`));
    case 'net':
      return NET_PACKAGES.map((path) => entry('net', `sdk/${path}`));
    case 'java':
      return JAVA_PACKAGES.map((path) => entry('java', `sdk/${path}`));
    case 'go':
      return GO_PACKAGES.map((path) => entry('go', `sdk/${path}`));
    case 'cpp':
      return Object.entries(CPP_SERVICES).map(([service, inner]) => ({ ...entry('cpp', `sdk/${service}`), innerPackages: inner }));
    case 'rust':
      return [];
  }
}

function* synthesizedCandidates(language: CorpusLanguage, allServices: readonly string[]): Generator<CatalogEntry> {
  if (language === 'rust') return;
  // A cpp pin claims a whole service folder: start from the services the other languages use least.
  const services = language === 'cpp' ? [...allServices].reverse() : allServices;
  for (const variant of [undefined, ...VARIANT_WORDS]) {
    for (const service of services) {
      const candidate = synthesized(language, service, variant);
      if (candidate) yield candidate;
    }
  }
  for (let n = 2; ; n++) {
    for (const service of services) {
      const candidate = synthesized(language, `${service}${n}`, undefined);
      if (candidate) yield candidate;
    }
  }
}

/**
 * Candidate packages for a language: the real names, then an endless supply of synthesized
 * management-plane packages (and variants of them), enough for any corpus size.
 */
export function catalogCandidates(
  language: CorpusLanguage,
  services: readonly string[],
): { real: CatalogEntry[]; synthesized: Generator<CatalogEntry> } {
  return { real: realCandidates(language), synthesized: synthesizedCandidates(language, services) };
}

/** Every service name the catalog knows, real ones first. */
export function catalogServices(): string[] {
  const seen = new Set<string>();
  for (const path of REAL_PYTHON_PACKAGES) seen.add(path.split('/')[1] as string);
  for (const service of EXTRA_SERVICES) seen.add(service);
  return [...seen];
}

/** The service-level and package-level pins of one rust service that nests them. */
export function rustNestedPair(index: number): [CatalogEntry, CatalogEntry] {
  const base = RUST_NESTED[index % RUST_NESTED.length]!;
  const round = Math.floor(index / RUST_NESTED.length);
  const service = round === 0 ? base.service : `${base.service}${round + 1}`;
  const servicePin: CatalogEntry = {
    language: 'rust',
    service,
    packagePath: `sdk/${service}`,
    tagPrefix: `rust/${service}`,
    mgmt: false,
    innerPackages: [base.serviceCrate],
    nesting: 'service',
  };
  const packagePin: CatalogEntry = {
    language: 'rust',
    service,
    packagePath: `sdk/${service}/${base.nestedCrate}`,
    tagPrefix: `rust/${base.nestedCrate}${round === 0 ? '' : round + 1}`,
    mgmt: false,
    nesting: 'package',
  };
  return [servicePin, packagePin];
}

/**
 * The service-level and package-level pins of the `index`-th service that nests them, in
 * `language`'s layout: rust's crates (sdk/eventhubs above sdk/eventhubs/azure_messaging_eventhubs),
 * or a service folder above one of its real packages (python's real sdk/tables/assets.json above
 * sdk/tables/azure-data-tables/assets.json comes first). The service pin's own recordings sit in
 * the service folder, beside the package's folder. Undefined once the real services run out, and
 * for cpp, whose pins are service-level already.
 */
export function nestedPair(language: CorpusLanguage, index: number): [CatalogEntry, CatalogEntry] | undefined {
  if (language === 'rust') return rustNestedPair(index);
  if (language === 'cpp') return undefined;
  const firstByFolder = new Map<string, CatalogEntry>();
  for (const candidate of realCandidates(language)) {
    const folder = candidate.packagePath.slice(0, candidate.packagePath.lastIndexOf('/'));
    if (!firstByFolder.has(folder)) firstByFolder.set(folder, candidate);
  }
  const folders = [...firstByFolder.keys()].sort((a, b) => (a === 'sdk/tables' ? -1 : b === 'sdk/tables' ? 1 : a < b ? -1 : 1));
  const folder = folders[index];
  if (folder === undefined) return undefined;
  const inner = firstByFolder.get(folder) as CatalogEntry;
  const servicePin: CatalogEntry = {
    language,
    service: inner.service,
    packagePath: folder,
    tagPrefix: `${language}/${folder.replace(/^sdk\//, '')}`,
    mgmt: false,
    nesting: 'service',
  };
  return [servicePin, { ...inner, nesting: 'package' }];
}

/** Real cpp test names for a `<service>/<package>`, when the fixtures have some. */
export function realCppNames(service: string, pkg: string): readonly string[] {
  return REAL_CPP_RECORDING_NAMES[`${service}/${pkg}`] ?? [];
}
