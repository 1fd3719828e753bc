import { makeLanguageRepo, type FileMap } from '@asset-sync/git-harness';
import { pascal, type CorpusLanguage } from './catalog.js';
import type { CorpusManifest, CorpusPackage } from './generate.js';

export interface WriteLanguageRepoOptions {
  /** `AssetsRepo` in every assets.json. Default the manifest's (`Azure/azure-sdk-assets`). */
  assetsRepo?: string;
  /** Only these languages' packages. Default the manifest's `languageRepoLanguages` (production: its one language). */
  languages?: CorpusLanguage[];
  /** Also write a little source code per package. Default true. */
  sourceFiles?: boolean;
  /** Extra files (path → content) for the same commit, e.g. an asset-sync.yaml. */
  extraFiles?: Record<string, string>;
  /** Commit message. */
  message?: string;
  /** Remote to add as `origin`. */
  origin?: string;
}

export interface CorpusLanguageRepo {
  dir: string;
  head: string;
  /** The assets.json files written, relative to `dir`, in manifest order. */
  assetsJsonPaths: string[];
  /** The packages those files pin. */
  packages: CorpusPackage[];
}

/**
 * The assets.json of a package as the real repositories format it: 2-space JSON and a final
 * newline; the 2022 dialect (`AssetsRepoBranch` + `SHA`) for SHA-pinned packages.
 */
export function assetsJsonFor(pkg: CorpusPackage, assetsRepo: string): string {
  const content =
    pkg.dialect === 'sha'
      ? {
          AssetsRepo: assetsRepo,
          AssetsRepoPrefixPath: pkg.prefix,
          AssetsRepoId: '',
          AssetsRepoBranch: pkg.branch ?? `auto/${pkg.service}`,
          SHA: pkg.commit,
        }
      : { AssetsRepo: assetsRepo, AssetsRepoPrefixPath: pkg.prefix, TagPrefix: pkg.tagPrefix, Tag: pkg.tag };
  return `${JSON.stringify(content, null, 2)}\n`;
}

function sourceFilesFor(pkg: CorpusPackage): Record<string, string> {
  const name = pkg.packagePath.split('/').pop() as string;
  const cls = pascal(pkg.service);
  switch (pkg.language) {
    case 'python': {
      const module = name.replace(/-/g, '/');
      return {
        'pyproject.toml': `[project]\nname = "${name}"\nversion = "1.0.0b1"\nrequires-python = ">=3.8"\n`,
        [`${module}/__init__.py`]: `from ._client import ${cls}Client\n\n__all__ = ["${cls}Client"]\n`,
        [`${module}/_client.py`]: `class ${cls}Client:\n    def __init__(self, endpoint: str, credential) -> None:\n        self._endpoint = endpoint\n`,
        'tests/conftest.py': 'import pytest\nfrom devtools_testutils import test_proxy\n',
        [`tests/test_${pkg.service.replace(/[^a-z0-9]/gi, '_')}.py`]: `from devtools_testutils import recorded_by_proxy\n\n\nclass Test${cls}:\n    @recorded_by_proxy\n    def test_create(self, **kwargs):\n        pass\n`,
      };
    }
    case 'js':
      return {
        'package.json': `${JSON.stringify({ name: `@azure/${name}`, version: '1.0.0-beta.1', type: 'module' }, null, 2)}\n`,
        'src/index.ts': `export class ${cls}Client {\n  constructor(public readonly endpoint: string) {}\n}\n`,
        'test/public/client.spec.ts': `import { Recorder } from "@azure-tools/test-recorder";\n\ndescribe("${cls}Client", () => {\n  it("should create", async () => {});\n});\n`,
      };
    case 'net':
      return {
        [`src/${name}.csproj`]: `<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <TargetFrameworks>netstandard2.0</TargetFrameworks>\n  </PropertyGroup>\n</Project>\n`,
        [`src/${cls}Client.cs`]: `namespace ${name}\n{\n    public class ${cls}Client\n    {\n    }\n}\n`,
        [`tests/${name}.Tests.csproj`]: `<Project Sdk="Microsoft.NET.Sdk">\n</Project>\n`,
        [`tests/${cls}ClientLiveTests.cs`]: `namespace ${name}.Tests\n{\n    public class ${cls}ClientLiveTests : RecordedTestBase<${cls}TestEnvironment>\n    {\n    }\n}\n`,
      };
    case 'java':
      return {
        'pom.xml': `<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.azure</groupId>\n  <artifactId>${name}</artifactId>\n  <version>1.0.0-beta.1</version>\n</project>\n`,
        [`src/main/java/com/azure/${pkg.service.replace(/[^a-z0-9]/gi, '')}/${cls}Client.java`]: `package com.azure.${pkg.service.replace(/[^a-z0-9]/gi, '')};\n\npublic final class ${cls}Client {\n}\n`,
        [`src/test/java/com/azure/${pkg.service.replace(/[^a-z0-9]/gi, '')}/${cls}ClientTest.java`]: `package com.azure.${pkg.service.replace(/[^a-z0-9]/gi, '')};\n\nclass ${cls}ClientTest extends TestProxyTestBase {\n}\n`,
      };
    case 'go':
      return {
        'go.mod': `module github.com/Azure/azure-sdk-for-go/${pkg.packagePath}\n\ngo 1.21\n`,
        'client.go': `package ${name}\n\ntype Client struct {\n\tendpoint string\n}\n`,
        'client_test.go': `package ${name}\n\nimport "testing"\n\nfunc TestClient(t *testing.T) {}\n`,
      };
    case 'cpp':
      return {
        'CMakeLists.txt': `cmake_minimum_required(VERSION 3.13)\nproject(azure-${pkg.service} LANGUAGES CXX)\n`,
        'README.md': `# Azure ${cls} for C++\n`,
      };
    case 'rust':
      return pkg.nesting === 'service'
        ? { 'README.md': `# ${pkg.service}\n` }
        : {
            'Cargo.toml': `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`,
            'src/lib.rs': `//! ${name}\n\npub struct Client;\n`,
          };
  }
}

/**
 * A language repo for a corpus: one assets.json per package (at `<packagePath>/assets.json`) plus
 * a little source code, in one commit on `main`.
 */
export async function writeLanguageRepoFromCorpus(
  dir: string,
  manifest: CorpusManifest,
  options: WriteLanguageRepoOptions = {},
): Promise<CorpusLanguageRepo> {
  const assetsRepo = options.assetsRepo ?? manifest.assetsRepo;
  const wanted = new Set(options.languages ?? manifest.languageRepoLanguages);
  const packages = manifest.packages.filter((pkg) => wanted.has(pkg.language));
  const files: FileMap = new Map<string, string>();
  files.set('README.md', '# Azure SDK (test language repo)\n\nGenerated by @asset-sync/corpus.\n');
  files.set('.gitignore', '.assets/\nnode_modules/\n');
  const assetsJsonPaths: string[] = [];
  for (const pkg of packages) {
    const path = `${pkg.packagePath}/assets.json`;
    files.set(path, assetsJsonFor(pkg, assetsRepo));
    assetsJsonPaths.push(path);
    if (options.sourceFiles !== false) {
      for (const [rel, content] of Object.entries(sourceFilesFor(pkg))) files.set(`${pkg.packagePath}/${rel}`, content);
    }
  }
  for (const [path, content] of Object.entries(options.extraFiles ?? {})) files.set(path, content);
  const repo = await makeLanguageRepo(dir, {
    files,
    message: options.message ?? `Add ${packages.length} packages with assets.json`,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  return { dir, head: repo.head as string, assetsJsonPaths, packages };
}
