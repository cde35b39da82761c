// Reads a corpus written by make-corpus.js: the texts, lone surrogates restored.
"use strict";
const fs = require("fs");

function readCorpus(file) {
  const items = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(JSON.parse);
  const texts = items.filter(x => x.kind === "text").map(x => x.text ?? String.fromCharCode(...x.utf16));
  return { texts };
}

module.exports = { readCorpus };
