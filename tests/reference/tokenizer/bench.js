// Times Hugging Face tokenizers (Rust core through its Node binding) over the corpus texts and prints one JSON line.
// Usage: node bench.js <corpus.jsonl> <family>     (set RAYON_NUM_THREADS=1 for one thread)
// Three measurements, each warm (one untimed pass first, then the best of two timed passes):
//  - per_call: one awaited encode() per document, one after another: what a caller pays per request, including the
//    binding's asynchronous call (a task on the Rust side, a promise here);
//  - batch: one encodeBatch() over all documents: the Rust core's own speed, parallel over documents unless
//    RAYON_NUM_THREADS=1;
//  - call_overhead_us: an awaited encode() of a one-character text, the fixed cost of a call.
"use strict";
const path = require("path");
const { Tokenizer } = require("tokenizers");
const { readCorpus } = require("./corpus");
const { modelsDir } = require("./families");

const [input, family] = process.argv.slice(2);
if (!input || !family) { console.error("usage: node bench.js <corpus.jsonl> <family>"); process.exit(2); }
const { texts } = readCorpus(input);
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0);

async function best(run) {
  await run();
  let seconds = Infinity, tokens = 0;
  for (let pass = 0; pass < 2; pass++) {
    const start = process.hrtime.bigint();
    tokens = await run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds, tokens };
}

(async () => {
  const t0 = process.hrtime.bigint();
  const tokenizer = Tokenizer.fromFile(path.join(modelsDir(family), "tokenizer.json"));
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const options = { addSpecialTokens: false };
  const perCall = await best(async () => {
    let n = 0;
    for (const text of texts) n += (await tokenizer.encode(text, null, options)).getLength();
    return n;
  });
  const batch = await best(async () => (await tokenizer.encodeBatch(texts, options)).reduce((n, e) => n + e.getLength(), 0));
  const calls = 20000;
  const overhead = await best(async () => { for (let i = 0; i < calls; i++) await tokenizer.encode("a", null, options); return calls; });
  console.log(JSON.stringify({
    family, threads: process.env.RAYON_NUM_THREADS || "all", load_ms: loadMs, bytes, documents: texts.length,
    per_call: perCall, batch, call_overhead_us: overhead.seconds / calls * 1e6,
  }));
})().catch(e => { console.error(e); process.exit(1); });
