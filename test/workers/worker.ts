import { validate } from "@flows/flow-ir";

// A minimal Worker that proves the portable packages load in workerd unchanged.
export default {
  async fetch(request: Request): Promise<Response> {
    const result = validate(await request.text());
    return Response.json({ ok: result.ok, codes: result.diagnostics.map((d) => d.code) });
  },
} satisfies ExportedHandler;
