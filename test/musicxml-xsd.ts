// MusicXML checked against the official MusicXML 4.0 XSD (lib/notation/schema) with xmllint
// (libxml2-utils, installed by scripts/system-deps.sh), for the exporter's and the CLI's tests.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const schemaDir = fileURLToPath(new URL("../lib/notation/schema/", import.meta.url));

/**
 * xmllint's verdict on a MusicXML file; throws with its complaints when the file does not validate.
 * The catalog maps the schema's imports to local copies; -nonet makes any attempt to fetch them
 * fail instead of reaching the network.
 */
export function validateMusicXmlFile(file: string): string {
  try {
    return execFileSync(
      "/usr/bin/xmllint",
      ["--nonet", "--noout", "--schema", join(schemaDir, "musicxml.xsd"), file],
      {
        env: { ...process.env, XML_CATALOG_FILES: join(schemaDir, "catalog.xml") },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`xmllint rejected ${file}: ${e.stderr ?? e.message}`);
  }
}

/** validateMusicXmlFile for a document in memory, written to `dir` as `<name>.musicxml`. */
export function validateMusicXml(xml: string, dir: string, name: string): string {
  const file = join(dir, `${name}.musicxml`);
  writeFileSync(file, xml);
  return validateMusicXmlFile(file);
}
