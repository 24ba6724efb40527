/**
 * The nunjucks environment for every rendered text: chat replies, pages, printouts, CLI text.
 * Autoescape is on; templates come only from this folder, never from user input.
 */
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const templatesDir = fileURLToPath(new URL('.', import.meta.url));

let env: nunjucks.Environment | undefined;

export function templates(): nunjucks.Environment {
  env ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir, { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return env;
}

/** Plain-text output (terminal, WeChat): no HTML escaping, still only our own templates. */
let textEnv: nunjucks.Environment | undefined;
export function textTemplates(): nunjucks.Environment {
  textEnv ??= new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir), {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  return textEnv;
}
