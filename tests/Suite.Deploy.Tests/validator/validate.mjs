// Validates every document of the given YAML files (rendered kustomize output) and writes them as JSON with the
// problems found, for the .NET tests to check further (settings, probes, references).
//   node validate.mjs OUT.json FILE.yaml...
// Kubernetes objects are validated by kubernetes-models (the upstream Kubernetes OpenAPI schema compiled to JSON
// Schema), KEDA objects by @kubernetes-models/keda (KEDA's CRD types), Dapr Components by dapr-component.schema.json.
// A document of any other apiVersion/kind is an error: every manifest must be checked by something.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import { ObjectMeta } from "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta";

const require = createRequire(import.meta.url);
const versions = {
  "kubernetes-models": require("kubernetes-models/package.json").version,
  "@kubernetes-models/keda": require("@kubernetes-models/keda/package.json").version,
  "ajv": require("ajv/package.json").version,
  "yaml": require("yaml/package.json").version,
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validateDaprComponent = ajv.compile(JSON.parse(await readFile(new URL("./dapr-component.schema.json", import.meta.url), "utf8")));

function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!/^[A-Za-z]+$/.test(kind)) return null;
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "keda.sh") return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group.endsWith(".keda.sh")) return `@kubernetes-models/keda/${group}/${version}/${kind}`;
  return `kubernetes-models/${group}/${version}/${kind}`;
}

async function validate(doc) {
  const { apiVersion, kind } = doc ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return { validator: null, errors: ["apiVersion and kind are required"] };
  }

  if (apiVersion === "dapr.io/v1alpha1" && kind === "Component") {
    const errors = validateDaprComponent(doc) ? [] : validateDaprComponent.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
    try {
      new ObjectMeta(doc.metadata).validate();
    } catch (e) {
      errors.push(`metadata: ${e.message}`);
    }
    return { validator: "dapr-component.schema.json", errors };
  }

  const path = modulePath(apiVersion, kind);
  let Model;
  try {
    Model = path && (await import(path))[kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    return { validator: null, errors: [`no schema for ${apiVersion} ${kind}`] };
  }

  try {
    new Model(doc).validate();
    return { validator: path, errors: [] };
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}`) : [e.message];
    return { validator: path, errors: details };
  }
}

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  console.error("usage: node validate.mjs OUT.json FILE.yaml...");
  process.exit(2);
}

const result = { versions, files: [] };
let problems = 0;
for (const file of files) {
  const entry = { file, documents: [] };
  for (const parsed of parseAllDocuments(await readFile(file, "utf8"))) {
    if (parsed.errors.length > 0) {
      entry.documents.push({ document: null, validator: null, errors: parsed.errors.map((e) => `YAML: ${e.message}`) });
      problems++;
      continue;
    }
    const doc = parsed.toJS();
    if (doc === null || doc === undefined) continue;
    const { validator, errors } = await validate(doc);
    problems += errors.length;
    entry.documents.push({ document: doc, validator, errors });
  }
  result.files.push(entry);
}

await writeFile(out, JSON.stringify(result, null, 1));
console.log(`${result.files.reduce((n, f) => n + f.documents.length, 0)} documents, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
