// Renders every conversation of conversations.js with each family's own chat template through @huggingface/jinja
// (Hugging Face's implementation for chat templates), given what transformers' apply_chat_template passes: messages,
// tools (or null), documents (null), add_generation_prompt, the special tokens of tokenizer_config.json by name, and
// the extra keyword arguments. Tool-call arguments are dicts, as transformers documents; a template that concatenates
// them as text (it would print "[object Map]") gets the JSON text instead. The rendering is then encoded with the
// family's tokenizer (Hugging Face tokenizers, add_special_tokens=false, as apply_chat_template(tokenize=True) does).
// Where @huggingface/jinja fails but Python's Jinja renders (`none | trim` gives "None" in Python), the Python result
// is recorded with a note, rendered from the same conversation with those contents written as "None".
// Usage: node templates.js <out-dir> [family ...]   -> <out-dir>/<family>.templates.json
"use strict";
const fs = require("fs");
const path = require("path");
const { Template } = require("@huggingface/jinja");
const { Tokenizer } = require("tokenizers");
const { names, modelsDir } = require("./families");
const { conversations } = require("./conversations");

const [outDir, ...requested] = process.argv.slice(2);
if (!outDir) { console.error("usage: node templates.js <out-dir> [family ...]"); process.exit(2); }
fs.mkdirSync(outDir, { recursive: true });

function tokenText(value) { return value && typeof value === "object" ? value.content : value; }

function specialTokens(config) {
  const special = {};
  for (const name of ["bos_token", "eos_token", "unk_token", "pad_token", "sep_token", "cls_token", "mask_token"]) {
    const text = tokenText(config[name]);
    if (typeof text === "string") special[name] = text;
  }
  for (const [name, value] of Object.entries(config.extra_special_tokens ?? {})) {
    if (typeof value === "string" && !(name in special)) special[name] = value;
  }
  return special;
}

function templateMessages(messages, argumentsAsText) {
  return messages.map(m => {
    const out = { role: m.role, content: m.content };
    if (m.name !== undefined) out.name = m.name;
    if (m.reasoning_content !== undefined) out.reasoning_content = m.reasoning_content;
    if (m.tool_calls !== undefined) {
      out.tool_calls = m.tool_calls.map(c => ({ id: c.id, type: c.type, function: { name: c.function.name, arguments: argumentsAsText ? c.function.arguments : JSON.parse(c.function.arguments || "{}") } }));
    }
    if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
    return out;
  });
}

(async () => {
  for (const family of requested.length ? requested : names) {
    const config = JSON.parse(fs.readFileSync(path.join(modelsDir(family), "tokenizer_config.json"), "utf8"));
    let source = config.chat_template;
    if (Array.isArray(source)) source = (source.find(t => t.name === "default") ?? {}).template;
    if (typeof source !== "string") { console.error(`${family}: no chat template`); continue; }
    const template = new Template(source);
    const tokenizer = Tokenizer.fromFile(path.join(modelsDir(family), "tokenizer.json"));
    const special = specialTokens(config);
    const render = (conversation, argumentsAsText) => template.render({
      ...special,
      ...conversation.kwargs,
      messages: templateMessages(conversation.messages, argumentsAsText),
      tools: conversation.tools,
      documents: null,
      add_generation_prompt: conversation.add_generation_prompt,
    });
    // @huggingface/jinja's raise_exception throws Error(message): an error whose message is one the template raises
    // is the template refusing the conversation.
    const raisable = new Set([...source.matchAll(/raise_exception\(\s*(['"])(.*?)\1\s*\)/g)].map(m => m[2]));
    const results = [];
    let argumentsAsText = false;
    for (const conversation of conversations) {
      try {
        let rendered = render(conversation, argumentsAsText);
        if (rendered.includes("[object Map]")) {
          argumentsAsText = true;
          rendered = render(conversation, true);
        }
        const ids = Array.from((await tokenizer.encode(rendered, null, { addSpecialTokens: false })).getIds());
        results.push({ name: conversation.name, rendered, ids });
      } catch (e) {
        if (/Cannot apply filter "trim" to type: NullValue/.test(e.message)) {
          const asPython = { ...conversation, messages: conversation.messages.map(m => m.content === null ? { ...m, content: "None" } : m) };
          const rendered = render(asPython, argumentsAsText);
          const ids = Array.from((await tokenizer.encode(rendered, null, { addSpecialTokens: false })).getIds());
          results.push({ name: conversation.name, rendered, ids, note: "@huggingface/jinja refuses `none | trim`; Python's Jinja prints None as 'None' (rendered with those contents set to \"None\")" });
          continue;
        }
        results.push(raisable.has(e.message) ? { name: conversation.name, raised: e.message } : { name: conversation.name, error: String(e.message) });
      }
    }
    const file = path.join(outDir, `${family}.templates.json`);
    fs.writeFileSync(file, JSON.stringify({ family, reference: "@huggingface/jinja@0.5.11", template: source, special_tokens: special, arguments_as_text: argumentsAsText, conversations, results }));
    const counts = results.reduce((c, r) => { const k = r.rendered !== undefined ? "rendered" : r.raised !== undefined ? "raised" : "error"; c[k] = (c[k] || 0) + 1; return c; }, {});
    console.error(`${family}: ${JSON.stringify(counts)}, tool-call arguments as ${argumentsAsText ? "text" : "dicts"} -> ${file}`);
  }
})().catch(e => { console.error(e); process.exit(1); });
