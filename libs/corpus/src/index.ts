export { Prng } from './prng.js';
export { generateCorpus, pushTagOf } from './generate.js';
export type { GenerateCorpusOptions, CorpusManifest, CorpusPackage, CorpusShape, PinDialect } from './generate.js';
export { writeLanguageRepoFromCorpus, assetsJsonFor } from './language-repo.js';
export type { WriteLanguageRepoOptions, CorpusLanguageRepo } from './language-repo.js';
export { CORPUS_LANGUAGES } from './catalog.js';
export type { CorpusLanguage } from './catalog.js';
export { drawRecordingSize, realSizeStats } from './sizes.js';
