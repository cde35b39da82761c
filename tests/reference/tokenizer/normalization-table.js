// Prints the code points that Hugging Face tokenizers' Unicode normalizers treat as unassigned (no decomposition,
// combining class 0, no composition) although current Unicode (this Node's ICU) gives them normalization behaviour.
// Its normalizers carry Unicode 9-era tables; .NET normalizes with the machine's ICU. The C# tokenizer treats these
// code points as opaque starters (HuggingFaceNormalization.Unknown) so that NFC/NFD/NFKC/NFKD match Hugging Face
// exactly. Usage: node normalization-table.js   (one hex code point per line, ascending)
"use strict";
const { nfdNormalizer, nfkdNormalizer } = require("tokenizers");

const nfd = nfdNormalizer();
const nfkd = nfkdNormalizer();
const assigned = /^[^\p{gc=Cn}\p{gc=Cs}\p{gc=Co}]$/u;

// "Plain": decomposes to itself (canonically and compatibly) and has combining class 0. A class between 1 and 229 would
// move the character before U+0301 (class 230); a class above 1 would move U+0334 (class 1) before it.
const plain = (decompose, c) => decompose(c) === c && decompose("a\u0301" + c) === "a\u0301" + c && decompose("a" + c + "\u0334") === "a" + c + "\u0334";
const hfPlain = (c) => plain(s => nfd.normalizeString(s), c) && plain(s => nfkd.normalizeString(s), c);
const icuPlain = (c) => plain(s => s.normalize("NFD"), c) && plain(s => s.normalize("NFKD"), c);

const unknown = new Set();
const hfComponents = new Set();
for (let cp = 0; cp <= 0x10FFFF; cp++) {
  if (cp >= 0xD800 && cp <= 0xDFFF) continue;
  const c = String.fromCodePoint(cp);
  if (!assigned.test(c)) continue;
  if (!hfPlain(c)) {
    for (const d of nfkd.normalizeString(c) + nfd.normalizeString(c)) hfComponents.add(d.codePointAt(0));
  } else if (!icuPlain(c)) {
    unknown.add(cp);
  }
}

// A character that only takes part in compositions whose composite Hugging Face does not know never composes there.
for (const cp of [...unknown]) {
  for (const d of String.fromCodePoint(cp).normalize("NFD")) {
    const dc = d.codePointAt(0);
    if (!hfComponents.has(dc) && hfPlain(d)) unknown.add(dc);
  }
}

console.log([...unknown].sort((a, b) => a - b).map(cp => cp.toString(16).toUpperCase().padStart(4, "0")).join("\n"));
