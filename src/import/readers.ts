/**
 * The reader of each import format, in one table for the import source (`import_source.ts`).
 *
 * @module
 */
import type { FileReader, ImportFormat } from "./outcome.ts";
import { readTwitchDownloaderFile } from "./twitchdownloader.ts";
import { readChatDownloaderFile } from "./chat_downloader.ts";
import { readJustlogFile } from "./justlog.ts";
import { readIrcFile } from "./irc_log.ts";
import { readChatterinoFile } from "./chatterino.ts";

/**
 * The reader of each format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { READERS } from "./readers.ts";
 * assert.equal(typeof READERS.irc, "function");
 * ```
 */
export const READERS: Readonly<Record<ImportFormat, FileReader>> = {
  twitchdownloader: readTwitchDownloaderFile,
  "chat-downloader": readChatDownloaderFile,
  justlog: readJustlogFile,
  irc: readIrcFile,
  chatterino: readChatterinoFile,
};
