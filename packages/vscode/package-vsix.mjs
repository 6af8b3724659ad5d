#!/usr/bin/env node
// Packs dist/ into dist/<name>-<version>.vsix, offline. A .vsix is a zip in
// the Open Packaging Conventions layout that `vsce package` writes: a
// `[Content_Types].xml`, an `extension.vsixmanifest` and the extension under
// `extension/`. We write it ourselves because every @vscode/vsce release
// depends on @azure/* packages that require Node 22, and this repository
// supports Node 20; the bundle has no dependencies to collect, so the
// manifest is all vsce would add.
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const out = path.join(here, 'dist', `${manifest.name}-${manifest.version}.vsix`);

const files = ['dist/extension.cjs', 'dist/server/server.js', 'dist/server/package.json', 'README.md', 'LICENSE.txt'];
for (const file of files) {
  if (!existsSync(path.join(here, file))) {
    process.stderr.write(`package-vsix: ${file} is missing; run \`node build.mjs\` first\n`);
    process.exit(1);
  }
}

const xml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// The installed extension's package.json: what VS Code reads, without the
// build-time fields (workspace: protocols mean nothing outside this repository).
const { devDependencies: _dev, scripts: _scripts, private: _private, ...shipped } = manifest;

const vsixmanifest = `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(manifest.name)}" Version="${xml(manifest.version)}" Publisher="${xml(manifest.publisher)}" />
    <DisplayName>${xml(manifest.displayName)}</DisplayName>
    <Description xml:space="preserve">${xml(manifest.description)}</Description>
    <Tags>${xml(manifest.keywords.join(','))}</Tags>
    <Categories>${xml(manifest.categories.join(','))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(manifest.engines.vscode)}" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace" />
      <Property Id="Microsoft.VisualStudio.Code.LocalizedLanguages" Value="" />
      <Property Id="Microsoft.VisualStudio.Services.Links.Source" Value="${xml(manifest.repository.url)}" />
      <Property Id="Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown" Value="true" />
      <Property Id="Microsoft.VisualStudio.Services.Content.Pricing" Value="Free" />
    </Properties>
    <License>extension/LICENSE.txt</License>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.License" Path="extension/LICENSE.txt" Addressable="true" />
  </Assets>
</PackageManifest>
`;

const contentTypes = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension=".json" ContentType="application/json" />
  <Default Extension=".vsixmanifest" ContentType="text/xml" />
  <Default Extension=".js" ContentType="application/javascript" />
  <Default Extension=".md" ContentType="text/markdown" />
  <Default Extension=".txt" ContentType="text/plain" />
</Types>
`;

// A fixed timestamp: the same inputs give the same bytes.
const mtime = new Date('2026-01-01T00:00:00Z');
const zip = new yazl.ZipFile();
zip.addBuffer(Buffer.from(contentTypes), '[Content_Types].xml', { mtime });
zip.addBuffer(Buffer.from(vsixmanifest), 'extension.vsixmanifest', { mtime });
zip.addBuffer(Buffer.from(`${JSON.stringify(shipped, null, 2)}\n`), 'extension/package.json', { mtime });
for (const file of files) zip.addFile(path.join(here, file), `extension/${file}`, { mtime });
zip.end();
await new Promise((resolve, reject) => {
  zip.outputStream.pipe(createWriteStream(out)).on('close', resolve).on('error', reject);
});
process.stdout.write(`${path.relative(process.cwd(), out)}\n`);
