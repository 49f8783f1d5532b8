/**
 * SHA-1 and SHA-256 in plain TypeScript, synchronous, for the few small fingerprints the store
 * takes on a read command's path (the log mark's 4 KiB ends, a hashed profile file name).
 * `node:crypto` computes the same digests, but importing it costs a short-lived command 25-60 ms
 * of start-up (it loads most of Node's compatibility layer), more than a search at ten million
 * messages; `crypto.subtle` is asynchronous, and these are taken inside synchronous reads.
 * Not for bulk hashing: node:crypto is several times faster per byte once loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha1Hex, sha256Hex } from "./digest.ts";
 * assert.equal(sha1Hex(new TextEncoder().encode("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
 * assert.equal(
 *   sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 *
 * @module
 */

/**
 * Feeds `bytes`, padded as both digests pad (0x80, zeros, the bit length big-endian), to
 * `compress` a 64-byte block at a time, as 16 big-endian words in `w` (80 long, for SHA-1's
 * schedule). Whole blocks are read in place; only the last one or two are copied.
 */
function eachBlock(bytes: Uint8Array, w: Int32Array, compress: () => void): void {
  const n = bytes.length;
  const whole = n - (n % 64);
  const load = (b: Uint8Array, at: number) => {
    for (let i = 0, j = at; i < 16; i++, j += 4) {
      w[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
    }
    compress();
  };
  for (let at = 0; at < whole; at += 64) load(bytes, at);
  const last = new Uint8Array(n - whole < 56 ? 64 : 128);
  last.set(bytes.subarray(whole));
  last[n - whole] = 0x80;
  const bits = n * 8;
  const view = new DataView(last.buffer);
  view.setUint32(last.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(last.length - 4, bits >>> 0);
  for (let at = 0; at < last.length; at += 64) load(last, at);
}

function hex(state: Int32Array): string {
  let out = "";
  for (const x of state) out += (x >>> 0).toString(16).padStart(8, "0");
  return out;
}

/**
 * The SHA-1 digest of `bytes`, as 40 lowercase hex digits. Written for a cold start (a
 * command hashes 8 KiB once, mostly before V8 compiles it): four loops of 20 rounds, no
 * branch in a round.
 */
export function sha1Hex(bytes: Uint8Array): string {
  const h = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const w = new Int32Array(80);
  eachBlock(bytes, w, () => {
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, t = 0, i = 0;
    for (; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[i]! + 0x5a827999) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = t;
    }
    for (; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0x6ed9eba1) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = t;
    }
    for (; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[i]! + 0x8f1bbcdc) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = t;
    }
    for (; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[i]! + 0xca62c1d6) | 0;
      e = d, d = c, c = (b << 30) | (b >>> 2), b = a, a = t;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
  });
  return hex(h);
}

const K256 = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** The SHA-256 digest of `data` (a string is hashed as its UTF-8), as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const h = new Int32Array([
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  ]);
  const w = new Int32Array(80);
  eachBlock(bytes, w, () => {
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!, y = w[i - 2]!;
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      w[i] = w[i - 16]! + s0 + w[i - 7]! + s1;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const t1 = (k + s1 + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
      const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g, g = f, f = e, e = (d + t1) | 0, d = c, c = b, b = a, a = (t1 + t2) | 0;
    }
    h[0] = h[0]! + a;
    h[1] = h[1]! + b;
    h[2] = h[2]! + c;
    h[3] = h[3]! + d;
    h[4] = h[4]! + e;
    h[5] = h[5]! + f;
    h[6] = h[6]! + g;
    h[7] = h[7]! + k;
  });
  return hex(h);
}
