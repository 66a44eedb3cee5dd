import { createHash } from "node:crypto";

/** R2's (and S3's) etag for a multipart object: MD5 of the parts' binary MD5s, then "-<parts>". */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash("md5");
  for (const etag of partEtags) hash.update(Buffer.from(etag, "hex"));
  return `${hash.digest("hex")}-${partEtags.length}`;
}
