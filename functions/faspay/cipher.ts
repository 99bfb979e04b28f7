import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/**
 * Faspay's one crypto routine ("ENC"), as Faspay's PHP, Python and Java SDKs implement it:
 * AES-256-CBC with PKCS#7 padding, key = SHA-256(faspay_secret) raw bytes, and IV = the ASCII bytes
 * of the last 16 lower-case hex characters of MD5(faspay_secret + iv). The IV is deliberately not
 * hex-decoded: that is what the SDKs do, and the server checks against them.
 *
 * ENC is deterministic, so the same plaintext always gives the same ciphertext; a verifier can check
 * a header by decrypting it.
 */
export interface FaspayCipher {
  /** base64 (standard alphabet, padded) of the AES-256-CBC encryption of the UTF-8 plaintext. */
  encrypt(plaintext: string): string;
  /** The inverse of {@link FaspayCipher.encrypt}; throws on a ciphertext that does not decrypt. */
  decrypt(ciphertextBase64: string): string;
}

export function deriveFaspayKey(faspaySecret: string): Buffer {
  return createHash('sha256').update(faspaySecret, 'utf8').digest();
}

export function deriveFaspayIv(faspaySecret: string, ivWord: string): Buffer {
  const hex = createHash('md5')
    .update(faspaySecret + ivWord, 'utf8')
    .digest('hex');
  return Buffer.from(hex.slice(-16), 'ascii');
}

export function createFaspayCipher(faspaySecret: string, ivWord: string): FaspayCipher {
  const key = deriveFaspayKey(faspaySecret);
  const iv = deriveFaspayIv(faspaySecret, ivWord);
  return {
    encrypt(plaintext) {
      const cipher = createCipheriv('aes-256-cbc', key, iv);
      return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
    },
    decrypt(ciphertextBase64) {
      const decipher = createDecipheriv('aes-256-cbc', key, iv);
      const bytes = Buffer.from(ciphertextBase64, 'base64');
      return Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8');
    },
  };
}
