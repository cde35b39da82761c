// Writes the tokenizer test corpus (JSON lines) deterministically: the same file on every machine and run.
// Usage: node make-corpus.js <out.jsonl> [scale]
// Each line: {"kind":"text","text":"..."}, or {"kind":"text","utf16":[...]} when it holds a lone surrogate.
// (The chat-template conversations are in conversations.js.)
"use strict";
const fs = require("fs");

const out = process.argv[2];
const scale = Number(process.argv[3] || "1");
if (!out) { console.error("usage: node make-corpus.js <out.jsonl> [scale]"); process.exit(2); }

// mulberry32: tiny seeded PRNG so the corpus never changes between runs.
let seed = 0x5eed1234;
function rnd() { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const lines = [];
// A text with a lone surrogate (category Cs) is written as its UTF-16 code units: JSON readers such as .NET's refuse
// lone surrogates in strings.
const text = (t) => lines.push(JSON.stringify(t.isWellFormed() ? { kind: "text", text: t } : { kind: "text", utf16: Array.from({ length: t.length }, (_, i) => t.charCodeAt(i)) }));

const english = ("the quick brown fox jumps over lazy dog I you we they it's don't won't can't I'm you're we've they'll he'd " +
  "tokenizer model inference server request response latency throughput GPU CPU memory cache batch stream token prompt " +
  "Hello World OpenAI DeepSeek Qwen Llama JSON HTTP API URL e.g. i.e. etc. Mr. Dr. St. U.S.A. naïve café résumé " +
  "coöperate façade jalapeño Zürich São Paulo Kraków Ångström").split(" ");
const chinese = "我们今天讨论一下大语言模型的推理服务如何提高吞吐量和降低延迟这是一个非常重要的问题中华人民共和国北京上海深圳广州的天气很好吗？是的，非常好！「引号」『书名』《三体》（括号）、。";
const japanese = "日本語のテキストをトークン化します。ひらがなカタカナ漢字が混ざっています。東京は晴れです！ｶﾀｶﾅ半角もあります。ー・ヴ";
const korean = "안녕하세요 대규모 언어 모델 추론 서버입니다 한국어 텍스트를 토큰화합니다 서울 부산 감사합니다";
const arabic = "مرحبا بالعالم هذا نص عربي لاختبار المحلل اللغوي النموذج اللغوي الكبير ١٢٣٤٥٦٧٨٩٠";
const hindi = "नमस्ते दुनिया यह हिंदी पाठ है भाषा मॉडल का परीक्षण १२३४ क्षत्रिय";
const misc = ["Ελληνικά κείμενα", "Русский текст для проверки", "עברית טקסט", "ภาษาไทยข้อความ", "Tiếng Việt có dấu", "ქართული", "Հայերեն", "ᚠᛇᚻ᛫ᛒᛦᚦ", "Ꭰ Ꭱ Ꭲ"];
const emoji = ["😀", "👍", "👍🏽", "👨‍👩‍👧‍👦", "👩🏾‍💻", "🏳️‍🌈", "🇺🇸", "🇯🇵", "🇩🇪", "1️⃣", "#️⃣", "*️⃣", "❤️", "✨", "🔥", "🤖", "🧑‍🚀", "🫠", "🦀", "☕", "⌚", "©️", "™", "🏴‍☠️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"];
const spaces = [" ", "  ", "\t", "\n", "\r\n", "\n\n", "\u00A0", "\u3000", "\u2003", "\u2009", "\u202F", "\u205F", "\u2028", "\u2029", "\u000B", "\u000C", " \n ", "\t\t\n", "\r", "\u1680"];
const zeroWidth = ["\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\u200E", "\u200F", "\u0000", "\u0001", "\u001F", "\u007F", "\u0085", "\uFEFF", "\u180E", "\u061C"];
const specials = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>", "<｜tool▁calls▁begin｜>", "<｜tool▁sep｜>",
  "<｜fim▁hole｜>", "<｜fim▁begin｜>", "<｜fim▁end｜>", "<｜▁pad▁｜>", "<think>", "</think>", "<｜begin▁of▁sentence", "<｜User", "｜>", "<|im_start|>", "<|endoftext|>"];
const mathAlnum = () => { let s = ""; const n = int(1, 12); for (let i = 0; i < n; i++) s += String.fromCodePoint(pick([0x1D400, 0x1D434, 0x1D468, 0x1D49C, 0x1D4D0, 0x1D504, 0x1D538, 0x1D56C, 0x1D5A0, 0x1D5D4, 0x1D608, 0x1D63C, 0x1D670, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6]) + int(0, 9)); return s; };
const code = [
  "public static int Add(int a, int b)\n{\n    return a + b; // sum\n}\n",
  "def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint([fib(i) for i in range(10)])\n",
  "const xs = [1, 2, 3].map((x) => x ** 2).filter(Boolean);\nconsole.log(`value=${xs}`);\n",
  "fn main() {\n    let v: Vec<u64> = (0..10).collect();\n    println!(\"{:?}\", v);\n}\n",
  "SELECT id, name FROM users WHERE created_at >= '2024-01-01' AND status <> 'deleted' ORDER BY id DESC LIMIT 100;",
  "{\"model\": \"deepseek-v3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": 0.7, \"stream\": true}",
  "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Test &amp; demo</title></head>\n<body class=\"x\">\n</body>\n</html>",
  "#include <stdio.h>\nint main(void) {\n\tprintf(\"%d\\n\", 42);\n\treturn 0;\n}\n",
  "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n",
  "x = np.linspace(0, 2*np.pi, 100); y = np.sin(x) ** 2 + 1e-3 * np.random.randn(100)",
  "#!/bin/bash\nset -euo pipefail\nfor f in *.txt; do echo \"$f\" | tr 'a-z' 'A-Z' >> out.log; done\n",
  "    indented    with    spaces\n\t\ttabs\t\tand\ttabs\n\n\n\n    trailing   \n",
];

function sentence(words, sep) { const n = int(3, 25); const w = []; for (let i = 0; i < n; i++) w.push(pick(words)); return w.join(sep); }
function slice(s) { const a = Array.from(s); const i = int(0, a.length - 1); return a.slice(i, i + int(1, 40)).join(""); }
function number() {
  switch (int(0, 7)) {
    case 0: return String(int(0, 9));
    case 1: return String(int(0, 1e9));
    case 2: { let s = ""; const n = int(1, 200); for (let i = 0; i < n; i++) s += int(0, 9); return s; }
    case 3: return (rnd() * 1e6).toFixed(int(0, 8));
    case 4: return "-" + int(1, 99999) + "." + int(0, 999) + "e" + int(-30, 30);
    case 5: return "$" + int(1, 999) + "," + String(int(0, 999)).padStart(3, "0") + ".00";
    case 6: return "١٢٣" + int(0, 99) + "٤٥";
    default: return int(1, 31) + "/" + int(1, 12) + "/" + int(1900, 2100) + " " + int(0, 23) + ":" + String(int(0, 59)).padStart(2, "0");
  }
}
function randomUnicode(n) {
  let s = "";
  for (let i = 0; i < n; i++) {
    let cp;
    switch (int(0, 5)) {
      case 0: cp = int(0x20, 0x7E); break;
      case 1: cp = int(0xA0, 0x2FFF); break;
      case 2: cp = int(0x3000, 0x9FFF); break;
      case 3: cp = int(0xAC00, 0xD7A3); break;
      case 4: cp = int(0xE000, 0xFFFD); break;
      default: cp = int(0x10000, 0x2FFFF); break;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x41;
    s += String.fromCodePoint(cp);
  }
  return s;
}
function mixed() {
  const parts = []; const n = int(2, 30);
  for (let i = 0; i < n; i++) {
    switch (int(0, 13)) {
      case 0: parts.push(sentence(english, " ")); break;
      case 1: parts.push(slice(chinese)); break;
      case 2: parts.push(slice(japanese)); break;
      case 3: parts.push(slice(korean)); break;
      case 4: parts.push(slice(arabic)); break;
      case 5: parts.push(slice(hindi)); break;
      case 6: parts.push(pick(misc)); break;
      case 7: parts.push(pick(emoji) + (rnd() < 0.5 ? pick(emoji) : "")); break;
      case 8: parts.push(pick(spaces).repeat(int(1, 5))); break;
      case 9: parts.push(pick(zeroWidth)); break;
      case 10: parts.push(number()); break;
      case 11: parts.push(mathAlnum()); break;
      case 12: parts.push(pick(specials)); break;
      default: parts.push(pick(code)); break;
    }
  }
  return parts.join(pick(["", " ", " ", "\n", ""]));
}

// Hand-written edge cases first.
const hand = [
  "", " ", "  ", "\n", "\r\n", "\t", "a", "Hello, world!", "Hello world", " Hello", "hello  world", "x\n\n\ny",
  "I'm", "it's", "DON'T", "We'll've", "'s", "O'Neil's", "\u00A0\u00A0text", "tab\tseparated\tvalues", "line\r\nbreaks\r\n",
  "    ", " \n", "\n ", "a \n b", "  \n\n  \n", "1", "12", "123", "1234", "12345678901234567890", "3.14159", "1,000,000", "١٢٣٤",
  "𝐀𝐁𝐂 𝑥 = 𝟏𝟐𝟑", "𝟘𝟙𝟚𝟛𝟜", "👨‍👩‍👧‍👦", "👍🏽👍🏿", "🇺🇸🇬🇧", "1️⃣2️⃣", "e\u0301", "é", "ﬁ", "Å", "\u200B\u200C\u200D", "\uFEFFBOM",
  "<｜begin▁of▁sentence｜>", "<｜begin▁of▁sentence｜><｜begin▁of▁sentence｜>", "text<｜User｜>more<｜Assistant｜>", "<｜User｜ >",
  "<think>\nreasoning\n</think>\nanswer", "你好，世界！", "こんにちは世界", "안녕하세요", "مرحبا", "नमस्ते", "中文English混合123テスト",
  "!!!???...", "a.b.c", "--flag=value", "path/to/file.txt", "https://example.com/a?b=c&d=e#f", "user@example.com",
  "\u3000\u3000全角スペース", "mixed \t\u00A0\u3000 spaces", "\u0085NEL\u0085", "\u2028\u2029", "ℕℤℚℝℂ ∀x∈ℝ: x²≥0", "½ ¾ ⅓ Ⅻ ⓵",
  "a".repeat(1000), " ".repeat(500), "\n".repeat(300), "9".repeat(1000), "ab".repeat(400), "😀".repeat(200), "你".repeat(500),
  "\t".repeat(100) + "x", " ".repeat(100) + "\n" + " ".repeat(100), "-".repeat(300), "=".repeat(80) + "\n",
];
for (const h of hand) text(h);
for (const c of code) text(c);
for (const m of misc) text(m);
for (const e of emoji) text(e);
for (const s of specials) text("before " + s + " after");

const count = Math.round(4000 * scale);
for (let i = 0; i < count; i++) {
  switch (i % 10) {
    case 0: text(sentence(english, " ") + ". " + sentence(english, " ") + "?"); break;
    case 1: text(Array.from({ length: int(1, 6) }, () => slice(chinese) + slice(japanese) + slice(korean)).join("")); break;
    case 2: text(pick(code).repeat(int(1, 4)) + number()); break;
    case 3: text(randomUnicode(int(1, 300))); break;
    case 4: text(Array.from({ length: int(1, 20) }, () => pick(spaces)).join(pick(["", "x", "1", "你", "😀"]))); break;
    case 5: text(Array.from({ length: int(1, 30) }, () => pick(emoji)).join(pick(["", " ", "a"]))); break;
    default: text(mixed()); break;
  }
}
// A few large documents: what a long prompt looks like.
for (let i = 0; i < Math.round(20 * scale); i++) text(Array.from({ length: 200 }, mixed).join("\n\n"));

// Pre-tokenizer edge cases the families differ on: digit grouping (\p{N}{1,3} in Llama 3 and DeepSeek, single digits
// in Qwen), contractions (case-insensitive in Llama 3 and Qwen), and runs of every kind of \p{N}.
const digitKinds = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "০১২৩৪৫৬৭৮৯", "๐๑๒๓๔๕๖๗๘๙", "０１２３４５６７８９",
  "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡", "²³¹¼½¾⁰⁴⁵⁶⁷⁸⁹₀₁₂", "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫⅬⅭⅮⅯ", "①②③④⑤⑥⑦⑧⑨⑩⑳㉑㊿", "〇〡〢〣〤〥〦〧〨〩", "𐄇𐄈𐄉𐄊𐄋", "𝍠𝍡𝍢𝍣𝍤", "፩፪፫፬፭", "𑁒𑁓𑁔𑁕"];
const digitRun = (n) => { const kind = Array.from(pick(digitKinds)); let s = ""; for (let i = 0; i < n; i++) s += rnd() < 0.85 ? kind[int(0, kind.length - 1)] : pick(Array.from(pick(digitKinds))); return s; };
for (let n = 1; n <= 40; n++) text("0123456789".repeat(5).slice(0, n));
for (let n = 1; n <= 12; n++) { text(" " + "9".repeat(n)); text("x" + "7".repeat(n) + "y"); text("1".repeat(n) + "," + "2".repeat(n)); text("v" + "8".repeat(n) + ".0"); }
for (let i = 0; i < Math.round(300 * scale); i++) {
  const sep = pick(["", " ", ",", ".", "_", "-", "a", "\n", "  ", "\u00A0", "²", "e", "E+", "/", ":"]);
  text(Array.from({ length: int(1, 8) }, () => digitRun(int(1, 9))).join(sep) + (rnd() < 0.3 ? pick(english) : ""));
}
const apostrophes = ["'", "’", "ʼ", "‘", "`", "＇"];
const suffixes = ["s", "t", "re", "ve", "m", "ll", "d", "S", "T", "RE", "Re", "rE", "VE", "vE", "M", "LL", "Ll", "lL", "D", "ſ", "K", "ﬅ", "st", "ss", "dd", "x", "", "İ", "ı"];
for (const a of apostrophes) for (const x of suffixes) { text(a + x); text("I" + a + x + " go"); text(" " + a + x); }
for (let i = 0; i < Math.round(300 * scale); i++) {
  const w = () => pick(english) + (rnd() < 0.6 ? pick(apostrophes) + pick(suffixes) : "");
  text(Array.from({ length: int(1, 12) }, w).join(pick([" ", "", "  ", "\n", "'", " '"])));
}

// Seeded random strings from every Unicode general category (as this Node's Unicode tables define them), weighted
// toward whitespace, format characters (Cf) and combining marks, where regex engines and normalizers disagree most.
const categories = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
  "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"];
const weights = { Zs: 8, Zl: 2, Zp: 2, Cc: 6, Cf: 8, Mn: 8, Mc: 5, Me: 3, Cs: 1, Cn: 2 };
const byCategory = Object.fromEntries(categories.map(c => [c, []]));
const matchers = categories.map(c => [c, new RegExp(`^\\p{gc=${c}}$`, "u")]);
for (let cp = 0; cp <= 0x10FFFF; cp++) {
  if (cp >= 0xD800 && cp <= 0xDFFF) { byCategory.Cs.push(cp); continue; }
  const ch = String.fromCodePoint(cp);
  for (const [c, m] of matchers) if (m.test(ch)) { byCategory[c].push(cp); break; }
}
const weighted = []; for (const c of categories) for (let k = 0; k < (weights[c] || 1); k++) weighted.push(c);
const fromCategory = (c) => String.fromCodePoint(pick(byCategory[c]));
const glue = ["a", "A", " ", "  ", "\n", "1", "'", "你", "é", "e", "\t", "\r\n", ".", "_"];
for (let i = 0; i < Math.round(3000 * scale); i++) {
  let s = ""; const n = int(1, 24);
  for (let k = 0; k < n; k++) s += rnd() < 0.75 ? fromCategory(pick(weighted)) : pick(glue);
  text(s);
}
fs.writeFileSync(out, lines.join("\n") + "\n");
console.error(`wrote ${lines.length} lines to ${out}`);
