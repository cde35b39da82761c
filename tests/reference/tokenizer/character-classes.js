// Prints, for each regex class the families' pre-tokenizers use, every code point Hugging Face tokenizers' regex
// engine (Oniguruma) puts in it, as JSON {"L": [...], ...}. It asks the real engine: a Split pre-tokenizer that
// removes the class's matches, run over every code point. Usage: node character-classes.js <out.json>
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");

const [output] = process.argv.slice(2);
if (!output) { console.error("usage: node character-classes.js <out.json>"); process.exit(2); }

const classes = { L: "\\p{L}", N: "\\p{N}", P: "\\p{P}", S: "\\p{S}", M: "\\p{M}", s: "\\s", Lu: "\\p{Lu}", Ll: "\\p{Ll}" };
const out = {};
for (const [name, pattern] of Object.entries(classes)) {
  const json = {
    version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: { type: "Split", pattern: { Regex: pattern }, behavior: "Removed", invert: false },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab: {}, merges: [] },
  };
  const pre = Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
  const matched = [];
  for (let start = 0; start <= 0x10FFFF; start += 0x1000) {
    let text = "";
    const codePoints = [];
    for (let cp = start; cp < start + 0x1000 && cp <= 0x10FFFF; cp++) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      text += String.fromCodePoint(cp);
      codePoints.push(cp);
    }
    const kept = new Set();
    for (const [piece] of pre.preTokenizeString(text)) for (const ch of piece) kept.add(ch.codePointAt(0));
    for (const cp of codePoints) if (!kept.has(cp)) matched.push(cp);
  }
  out[name] = matched;
}
fs.writeFileSync(output, JSON.stringify(out));
