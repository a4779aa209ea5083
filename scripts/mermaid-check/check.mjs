// Parses each file named on the command line as one mermaid diagram with
// mermaid's own parser, as GitHub's mermaid does before it draws, and checks
// mermaid's default limits: maxEdges (500, enforced by the parser) and
// maxTextSize (50,000 characters, enforced by render, so checked here).
// Prints one line per file, "ok FILE" or "error FILE: MESSAGE", and exits 1
// when any file fails.
//
// mermaid sanitizes labels with DOMPurify, which needs a DOM: jsdom gives it
// one, so no browser is downloaded or run.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const maxTextSize = 50000;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    if (text.length > maxTextSize) {
      throw new Error(`${text.length} characters, over mermaid's maxTextSize of ${maxTextSize}`);
    }
    await mermaid.parse(text);
    console.log(`ok ${file}`);
  } catch (e) {
    failed++;
    const msg = String(e && e.message ? e.message : e).replace(/\s+/g, ' ').slice(0, 500);
    console.log(`error ${file}: ${msg}`);
  }
}
process.exit(failed ? 1 : 0);
