// Ticket codes judged in the browser, offline: mirrors src/forum_mgmt/tickets/codes.py.
//
// A code is RFC 4648 base32 (no padding, 120 characters) of 75 bytes:
// version u8 (1) | forum u32 | ticket u32 | serial u16 (big-endian) | Ed25519 signature (64).
// The signature is checked with WebCrypto's Ed25519 (Chromium 137+, Firefox 129+,
// Safari 17+); where a browser lacks it the answer is reason "unsupported", and the
// scanner must ask the server instead.

const VERSION = 1;
const HEADER_BYTES = 11;
const CODE_LENGTH = 120;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const keyCache = new Map();

function base32Decode(text) {
  const out = new Uint8Array((text.length * 5) / 8);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    value = (value << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

function base64urlDecode(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function importKey(publicKeyB64url) {
  if (!keyCache.has(publicKeyB64url)) {
    const raw = base64urlDecode(publicKeyB64url);
    keyCache.set(
      publicKeyB64url,
      crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]),
    );
  }
  return keyCache.get(publicKeyB64url);
}

function refused(reason, claims = {}) {
  return { ok: false, forumId: null, ticketId: null, serial: null, ...claims, reason };
}

// What a scanner typed, as we emit it: keyboard wedges add a newline or send lowercase.
export function normalise(code) {
  return String(code).trim().toUpperCase();
}

// {ok, forumId, ticketId, serial, reason}: reason is null when ok, else "malformed",
// "wrong_forum" (the code's unproven claim), "forged" or "unsupported".
export async function verifyCode(publicKeyB64url, code, forumId) {
  const text = normalise(code);
  if (text.length !== CODE_LENGTH || !/^[A-Z2-7]+$/.test(text)) return refused("malformed");
  const bytes = base32Decode(text);
  const view = new DataView(bytes.buffer);
  if (view.getUint8(0) !== VERSION) return refused("malformed");
  const claims = {
    forumId: view.getUint32(1),
    ticketId: view.getUint32(5),
    serial: view.getUint16(9),
  };
  if (claims.forumId !== forumId) return refused("wrong_forum", claims);
  let genuine;
  try {
    const key = await importKey(publicKeyB64url);
    genuine = await crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      bytes.subarray(HEADER_BYTES),
      bytes.subarray(0, HEADER_BYTES),
    );
  } catch (error) {
    keyCache.delete(publicKeyB64url);
    if (error.name === "NotSupportedError") return refused("unsupported", claims);
    throw error;
  }
  return genuine ? { ok: true, ...claims, reason: null } : refused("forged", claims);
}
