/**
 * Resolves the sealing key at start. With ENCRYPTION_KEY set it is used as is. In embedded,
 * non-production mode without it, a key is generated once and kept in DATA_DIR (mode 0600),
 * so a laptop set-up needs no configuration yet its secrets survive restarts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config-error';
import { SecretCipher } from './cipher';

export const GENERATED_KEY_FILE = 'encryption.key';

/** The settings the key comes from (config.ts passes them down). */
export interface KeySettings {
  /** 32-byte key that seals new secrets; undefined only in embedded, non-production mode. */
  encryptionKey: Buffer | undefined;
  encryptionKeysPrevious: Buffer[];
  /** Where a generated key is kept when encryptionKey is undefined. */
  dataDir: string;
}

/** What a key must be: the message completes "<VARIABLE>: " (it never echoes the value). */
export const KEY_RULE = 'must be 32 bytes encoded as base64 (generate one with `openssl rand -base64 32`)';

/** Decodes a base64 32-byte key; strict, so a truncated or hex key is refused rather than misused. */
export function decodeKey(raw: string): Buffer | undefined {
  const key = Buffer.from(raw, 'base64');
  const canonical = key.toString('base64');
  return key.length === 32 && canonical.replace(/=+$/, '') === raw.replace(/=+$/, '') ? key : undefined;
}

/** decodeKey for one named setting: a ConfigError that names it. */
export function parseKey(name: string, raw: string): Buffer {
  const key = decodeKey(raw);
  if (key === undefined) throw new ConfigError(name, KEY_RULE);
  return key;
}

export interface KeyResolution {
  cipher: SecretCipher;
  /** Set when the key came from DATA_DIR, so main can warn about it. */
  generatedKeyPath?: string;
}

export function resolveCipher(config: KeySettings): KeyResolution {
  if (config.encryptionKey) {
    return { cipher: new SecretCipher(config.encryptionKey, config.encryptionKeysPrevious) };
  }
  const file = path.join(config.dataDir, GENERATED_KEY_FILE);
  // 0700 like the embedded engine's own mkdir: this runs first, and the dir holds the key and the data.
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    raw = randomBytes(32).toString('base64');
    // 'wx' fails if another process wrote it first; then read theirs.
    try {
      fs.writeFileSync(file, `${raw}\n`, { mode: 0o600, flag: 'wx' });
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
      raw = fs.readFileSync(file, 'utf8').trim();
    }
  }
  const key = parseKey(`ENCRYPTION_KEY (generated file ${file})`, raw);
  return { cipher: new SecretCipher(key, config.encryptionKeysPrevious), generatedKeyPath: file };
}
