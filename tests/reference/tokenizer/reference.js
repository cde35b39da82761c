// Encodes and decodes the corpus (make-corpus.js) with Hugging Face `tokenizers` (the Rust implementation that
// transformers, vLLM, SGLang and TGI use), one file per model family.
// Usage: node reference.js <corpus.jsonl> <out-dir> [family ...]   (default: every family in families.js)
// Each <out-dir>/<family>.json holds, in corpus order: ids (add_special_tokens=false), decoded and decoded_skip
// (decode with skip_special_tokens false/true), ids_special for the first documents (add_special_tokens=true), and
// decodings of seeded random id sequences.
"use strict";
const fs = require("fs");
const path = require("path");
const { Tokenizer } = require("tokenizers");
const { names, modelsDir } = require("./families");

const [input, outDir, ...requested] = process.argv.slice(2);
if (!input || !outDir) { console.error("usage: node reference.js <corpus.jsonl> <out-dir> [family ...]"); process.exit(2); }
const { texts } = require("./corpus").readCorpus(input);
const SPECIAL_DOCS = 400;
const RANDOM_SEQUENCES = 600;
fs.mkdirSync(outDir, { recursive: true });

async function batched(items, size, run) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await run(items.slice(i, i + size)));
  return out;
}

(async () => {
  for (const family of requested.length ? requested : names) {
    const started = Date.now();
    const tokenizer = Tokenizer.fromFile(path.join(modelsDir(family), "tokenizer.json"));
    const encode = (special) => (chunk) => tokenizer.encodeBatch(chunk, { addSpecialTokens: special }).then(list => list.map(e => Array.from(e.getIds())));
    const ids = await batched(texts, 256, encode(false));
    const idsSpecial = await batched(texts.slice(0, SPECIAL_DOCS), 256, encode(true));
    const decoded = await batched(ids, 256, chunk => tokenizer.decodeBatch(chunk, false));
    const decodedSkip = await batched(ids, 256, chunk => tokenizer.decodeBatch(chunk, true));

    // mulberry32, seeded per family: random id sequences exercise partial UTF-8, byte fallback and specials.
    let seed = 0x0dec0de;
    const rnd = () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
    const vocabSize = tokenizer.getVocabSize(true);
    const random = [];
    for (let i = 0; i < RANDOM_SEQUENCES; i++) {
      const length = 1 + Math.floor(rnd() * 16);
      random.push(Array.from({ length }, () => Math.floor(rnd() * vocabSize)));
    }
    const randomText = await tokenizer.decodeBatch(random, false);
    const randomSkip = await tokenizer.decodeBatch(random, true);

    const file = path.join(outDir, `${family}.json`);
    fs.writeFileSync(file, JSON.stringify({
      family, reference: "tokenizers@0.23.2", vocab_size: vocabSize,
      ids, ids_special: idsSpecial, decoded, decoded_skip: decodedSkip,
      random: random.map((r, i) => ({ ids: r, text: randomText[i], text_skip: randomSkip[i] })),
    }));
    console.error(`${family}: ${texts.length} texts, ${ids.reduce((n, x) => n + x.length, 0)} tokens in ${Date.now() - started} ms -> ${file}`);
  }
})().catch(e => { console.error(e); process.exit(1); });
