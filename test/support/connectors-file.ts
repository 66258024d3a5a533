/**
 * CONNECTORS_FILEs for a test file: JSON definitions written into a temporary directory of the
 * file's own, removed after the file's tests. Call at the top level of a test file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A writer of connector files under a new temporary directory named after `prefix`. */
export function connectorsFiles(prefix: string): (name: string, definitions: object[]) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return (name, definitions) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(definitions));
    return file;
  };
}
