/** The environment names of a connector's OAuth client, and the key that seals secrets: both owned below config.ts. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientVariables, slugToEnvName } from '../../src/connectors/client-variables';
import { ConfigError } from '../../src/config';
import { GENERATED_KEY_FILE, parseKey, resolveCipher } from '../../src/shared/crypto/keyring';

describe('slugToEnvName', () => {
  it.each([
    ['google-drive', 'GOOGLE_DRIVE'],
    ['github', 'GITHUB'],
    ['microsoft-teams', 'MICROSOFT_TEAMS'],
    ['a.b-c9', 'A_B_C9'],
  ])('spells %s as %s', (slug, env) => {
    expect(slugToEnvName(slug)).toBe(env);
  });

  it('names the two variables of a connector’s OAuth client', () => {
    expect(clientVariables('google-drive')).toEqual({
      clientId: 'CONNECTOR_GOOGLE_DRIVE_CLIENT_ID',
      clientSecret: 'CONNECTOR_GOOGLE_DRIVE_CLIENT_SECRET',
    });
  });
});

describe('keyring', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');

  it('decodes a 32-byte base64 key and refuses others with a ConfigError naming the setting', () => {
    expect(parseKey('ENCRYPTION_KEY', KEY)).toEqual(Buffer.alloc(32, 7));
    expect(() => parseKey('ENCRYPTION_KEY', Buffer.alloc(16).toString('base64'))).toThrow(ConfigError);
    expect(() => parseKey('ENCRYPTION_KEY', Buffer.alloc(32).toString('hex'))).toThrow(/^ENCRYPTION_KEY: /);
  });

  it('takes its settings as given, and names a bad generated key file', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyring-'));
    try {
      const settings = { encryptionKey: undefined, encryptionKeysPrevious: [], dataDir };
      const first = resolveCipher(settings);
      expect(first.generatedKeyPath).toBe(path.join(dataDir, GENERATED_KEY_FILE));
      expect(resolveCipher(settings).generatedKeyPath).toBe(first.generatedKeyPath);
      fs.writeFileSync(path.join(dataDir, GENERATED_KEY_FILE), 'short\n');
      expect(() => resolveCipher(settings)).toThrow(ConfigError);
      expect(() => resolveCipher(settings)).toThrow(
        `generated file ${path.join(dataDir, GENERATED_KEY_FILE)}`,
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
