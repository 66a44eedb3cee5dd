import sparticuz from "@sparticuz/chromium";
import { type Browser, chromium } from "playwright-core";

/**
 * Headless Chromium from `npm install` alone: @sparticuz/chromium ships a compressed build
 * (unpacked to /tmp on first launch), driven by playwright-core. Nothing is downloaded.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: await sparticuz.executablePath(),
    args: [...sparticuz.args, ...extraArgs],
    headless: true,
  });
}
