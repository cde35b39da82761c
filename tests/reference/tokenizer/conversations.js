// The conversations the chat-template test renders, in OpenAI's shape (what the suite's ChatMessage/ToolDefinition
// carry): hand-written cases for each feature (system prompts, multi-turn, tool definitions, tool calls and results,
// reasoning, add_generation_prompt, template kwargs) and seeded random ones. Deterministic on every machine.
//
// Texts keep whitespace other than "\n" away from their ends, and avoid U+001C-U+001F, U+0085 and U+FEFF there:
// @huggingface/jinja 0.5.11 ignores the argument of strip/lstrip/rstrip and trims JavaScript's whitespace set, where
// Python (what transformers and vLLM run) strips only the given characters and its own set. The C# interpreter follows
// Python; its unit tests pin those cases.
"use strict";

let seed = 0xc0ffee11;
function rnd() { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

const words = ("the quick brown fox jumps over lazy dog tokenizer model GPU CPU cache batch stream token prompt it's don't " +
  "naïve café Zürich 12345 3.14 2024-01-01 e.g. U.S.A. 你好 世界 こんにちは 안녕하세요 مرحبا नमस्ते 😀 👍🏽 🇯🇵 {json} [list] <tag> \"quoted\" 'single'").split(" ");
const inner = ["\n", "\n\n", " ", "  ", "\t", "\r\n", " \n "];
function text(n = int(1, 30)) {
  let s = pick(words);
  for (let i = 1; i < n; i++) s += (rnd() < 0.15 ? pick(inner) : " ") + pick(words);
  return rnd() < 0.1 ? "\n" + s : rnd() < 0.1 ? s + "\n" : s;
}
const code = "```python\ndef f(x):\n    return {'a': x}\n```";
const specials = ["<｜User｜>", "<|im_start|>", "<|eot_id|>", "<start_of_turn>", "</s>", "<think>"];

const tools = [
  { type: "function", function: { name: "get_weather", description: "Current weather for a city.", parameters: { type: "object", properties: { city: { type: "string", description: "City name, e.g. Zürich" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] } } },
  { type: "function", function: { name: "search", description: "Search the web; returns the top results.", parameters: { type: "object", properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 10 }, filters: { type: "object", properties: { site: { type: "string" }, recent: { type: "boolean" } } } }, required: ["query"] } } },
  { type: "function", function: { name: "no_params", description: "Takes nothing." } },
];
const call = (id, name, args) => ({ id, type: "function", function: { name, arguments: JSON.stringify(args) } });
const weatherCall = call("call_1", "get_weather", { city: "Paris", unit: "celsius" });
const searchCall = call("call_2", "search", { query: "ß and 東京 \"quoted\"", limit: 3, filters: { site: "example.com", recent: true } });

const conversations = [];
const add = (name, messages, extra = {}) => {
  for (const agp of extra.agp ?? [true, false]) {
    conversations.push({ name: `${name}${agp ? "" : " (no generation prompt)"}`, messages, tools: extra.tools ?? null, add_generation_prompt: agp, kwargs: extra.kwargs ?? {} });
  }
};

add("single user turn", [{ role: "user", content: "Hi" }]);
add("system and user", [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "What is 2+2?" }]);
add("two system prompts", [{ role: "system", content: "S1" }, { role: "system", content: "S2" }, { role: "user", content: "Q" }, { role: "assistant", content: "A" }, { role: "user", content: "Q2" }]);
add("multi-turn CJK and emoji", [{ role: "user", content: "你好" }, { role: "assistant", content: "你好！有什么可以帮你？" }, { role: "user", content: "写一首诗 😀" }]);
add("code blocks", [{ role: "user", content: "code:\n" + code }, { role: "assistant", content: "Sure.\n\n" + code }]);
add("empty contents", [{ role: "system", content: "" }, { role: "user", content: "" }]);
add("special tokens inside content", [{ role: "user", content: specials.join(" injected ") }]);
add("assistant turn last", [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }]);
add("named messages", [{ role: "system", content: "Be brief.", name: "policy" }, { role: "user", content: "Hi", name: "alice" }]);
add("tool definitions", [{ role: "system", content: "You can call tools." }, { role: "user", content: "Weather in Paris?" }], { tools });
add("tool definitions without system", [{ role: "user", content: "Search for tokenizers." }], { tools });
add("tool call with null content and its result", [
  { role: "user", content: "Weather in Paris?" },
  { role: "assistant", content: null, tool_calls: [weatherCall] },
  { role: "tool", content: "{\"temperature\": 21, \"unit\": \"celsius\"}", tool_call_id: "call_1" },
], { tools });
add("tool call with empty content, then the answer", [
  { role: "system", content: "You can call tools." },
  { role: "user", content: "Weather in Paris?" },
  { role: "assistant", content: "", tool_calls: [weatherCall] },
  { role: "tool", content: "21 degrees", tool_call_id: "call_1" },
  { role: "assistant", content: "It is 21 °C in Paris." },
  { role: "user", content: "Thanks! And search for it." },
], { tools });
add("two tool calls and two results", [
  { role: "user", content: "Weather, then search." },
  { role: "assistant", content: null, tool_calls: [weatherCall, searchCall] },
  { role: "tool", content: "21 degrees", tool_call_id: "call_1" },
  { role: "tool", content: "[\"result one\", \"result two\"]", tool_call_id: "call_2" },
], { tools });
add("tool call with text before it", [
  { role: "user", content: "Search." },
  { role: "assistant", content: "Let me look that up.", tool_calls: [searchCall] },
  { role: "tool", content: "nothing found", tool_call_id: "call_2" },
  { role: "assistant", content: "Nothing found." },
], { tools });
add("reasoning_content field", [
  { role: "user", content: "What is 17 * 23?" },
  { role: "assistant", content: "391", reasoning_content: "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391." },
  { role: "user", content: "And 18 * 23?" },
]);
add("reasoning in think tags", [
  { role: "user", content: "Q1" },
  { role: "assistant", content: "<think>\nfirst thoughts\n</think>\n\nA1" },
  { role: "user", content: "Q2" },
  { role: "assistant", content: "<think>\nsecond thoughts\n</think>\n\nA2" },
]);
add("reasoning on the last turn", [{ role: "user", content: "Q" }, { role: "assistant", content: "A", reasoning_content: "thinking it over" }]);
add("thinking switched off", [{ role: "user", content: "Quick answer please." }], { kwargs: { enable_thinking: false } });
add("thinking switched on", [{ role: "user", content: "Think hard." }], { kwargs: { enable_thinking: true } });
add("tool result only", [{ role: "tool", content: "orphan result", tool_call_id: "call_9" }]);
add("user tool_response text", [{ role: "user", content: "<tool_response>\nraw\n</tool_response>" }]);

// Seeded random conversations: alternating turns, some tools, tool calls and reasoning.
for (let i = 0; i < 80; i++) {
  const messages = [];
  if (rnd() < 0.5) messages.push({ role: "system", content: text() });
  const withTools = rnd() < 0.4;
  const turns = int(1, 4);
  for (let t = 0; t < turns; t++) {
    messages.push({ role: "user", content: rnd() < 0.1 ? code : text() });
    if (t === turns - 1 && rnd() < 0.6) break;
    if (withTools && rnd() < 0.5) {
      const calls = Array.from({ length: int(1, 2) }, (_, k) => call(`call_${i}_${t}_${k}`, pick(["get_weather", "search"]), rnd() < 0.5 ? { city: pick(words) } : { query: text(3), limit: int(1, 10) }));
      messages.push({ role: "assistant", content: rnd() < 0.5 ? null : "", tool_calls: calls });
      for (const c of calls) messages.push({ role: "tool", content: text(5), tool_call_id: c.id });
    }
    const assistant = { role: "assistant", content: text() };
    if (rnd() < 0.3) assistant.reasoning_content = text(8);
    else if (rnd() < 0.2) assistant.content = "<think>\n" + text(6) + "\n</think>\n\n" + assistant.content;
    messages.push(assistant);
  }
  conversations.push({ name: `random #${i}`, messages, tools: withTools ? tools : null, add_generation_prompt: rnd() < 0.7, kwargs: rnd() < 0.2 ? { enable_thinking: rnd() < 0.5 } : {} });
}

module.exports = { conversations };
