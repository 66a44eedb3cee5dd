import { createHash, hash } from "node:crypto";

/** R2's etag of a single-part object: the MD5 of its content, in hex. One call, no hash object. */
export function md5Hex(content: string | Uint8Array): string {
  return hash("md5", content, "hex");
}

/** An MD5 fed chunk by chunk, for content that streams in. */
export const startMd5 = () => createHash("md5");

/** R2's (and S3's) etag for a multipart object: MD5 of the parts' binary MD5s, then "-<parts>". */
export function multipartEtag(partEtags: readonly string[]): string {
  const digest = createHash("md5");
  for (const etag of partEtags) digest.update(Buffer.from(etag, "hex"));
  return `${digest.digest("hex")}-${partEtags.length}`;
}
