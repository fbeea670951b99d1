#!/usr/bin/env node
// The Ed25519 key that signs upgrade bundles, and the public half an image trusts. The private key is read from
// $API_RADAR_SIGNING_KEY (a PKCS#8 PEM file) or, by default, ${XDG_CONFIG_HOME:-~/.config}/api-radar/
// upgrade-signing.key, which is made (0600) the first time a build needs it: keep it, because appliances built with
// it install only bundles signed by it. Never in the repository or the image; only the public key goes into the image
// (/usr/lib/api-radar/upgrade-keys/<key id>.pem), where the root applier (upgrade-apply.mjs) and the service look.
// CLI: node signing-key.mjs install-public <dir>   writes <dir>/<key id>.pem
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Format of the `manifest.sig` member this module writes. */
export const SIGNATURE_FORMAT = 1;

/** Where the private key is read from (made there when missing). */
export function signingKeyPath() {
  return process.env.API_RADAR_SIGNING_KEY || join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'api-radar', 'upgrade-signing.key');
}

/** A key's id: the first 16 hex digits of the SHA-256 of its public key (SPKI, DER). */
export function keyIdOf(publicKey) {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Loads the signing key (making one when the default file is missing): private key, public PEM and key id. */
export function loadSigningKey() {
  const file = signingKeyPath();
  if (!existsSync(file)) {
    if (process.env.API_RADAR_SIGNING_KEY) throw new Error(`API_RADAR_SIGNING_KEY names ${file}, which does not exist`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(file, 0o600);
    console.error(`signing-key: made a new upgrade signing key in ${file}; keep it: images built with it accept only bundles it signs`);
  }
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }), keyId: keyIdOf(publicKey) };
}

/** The `manifest.sig` member for the exact bytes of `manifest.json`. */
export function signManifest(manifestBytes, key) {
  return { format: SIGNATURE_FORMAT, alg: 'ed25519', key: key.keyId, signature: sign(null, manifestBytes, key.privateKey).toString('base64') };
}

/** Writes the public key into `dir` as `<key id>.pem`; returns the file. */
export function installPublicKey(dir, key = loadSigningKey()) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, `${key.keyId}.pem`);
  writeFileSync(file, key.publicPem, { mode: 0o644 });
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, dir] = process.argv.slice(2);
  if (cmd !== 'install-public' || dir === undefined) {
    console.error('usage: signing-key.mjs install-public <dir>');
    process.exit(2);
  }
  console.log(installPublicKey(dir));
}
