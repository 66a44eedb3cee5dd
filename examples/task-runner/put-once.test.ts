import type { BlobObject, BlobPutOptions } from "@flows/cap-r2";
import { describe, expect, it } from "vitest";
import { putOnce } from "./put-once";

/** An R2 that honours `etagDoesNotMatch: "*"`, counts puts, and can let a racing writer in first. */
function bucket(options: { racer?: string } = {}) {
  const objects = new Map<string, BlobObject>();
  let puts = 0;
  let raced = false;
  const store = (key: string, writer: string) => {
    const object: BlobObject = {
      key,
      size: 1,
      etag: writer,
      uploaded: new Date(),
      customMetadata: { written_by: writer },
    };
    objects.set(key, object);
    return object;
  };
  return {
    puts: () => puts,
    async head(key: string) {
      return objects.get(key) ?? null;
    },
    async put(key: string, _body: unknown, put?: BlobPutOptions) {
      puts += 1;
      if (options.racer !== undefined && !raced) {
        raced = true;
        store(key, options.racer);
      }
      if (put?.onlyIf?.etagDoesNotMatch === "*" && objects.has(key)) return null;
      return store(key, put?.customMetadata?.written_by ?? "?");
    },
  };
}

const meta = (writer: string) => ({ contentType: "text/plain", customMetadata: { written_by: writer } });

describe("putOnce", () => {
  it("uploads once: a node run again for the same run finds its object and writes nothing", async () => {
    const r2 = bucket();
    const first = await putOnce(r2, "runs/r1/build/log.txt", new Uint8Array([1]), meta("first"));
    const again = await putOnce(r2, "runs/r1/build/log.txt", new Uint8Array([2]), meta("second"));
    expect(again).toEqual(first);
    expect(again.customMetadata.written_by).toBe("first");
    expect(r2.puts()).toBe(1);
  });

  it("a writer that got in between the head and the put wins; its object is returned", async () => {
    const r2 = bucket({ racer: "racer" });
    const stored = await putOnce(r2, "runs/r1/build/log.txt", new Uint8Array([1]), meta("late"));
    expect(stored.customMetadata.written_by).toBe("racer");
  });
});
