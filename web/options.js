// What this server can do (GET v1/capabilities), and the engine, model,
// language and task selects that offer only that. The upload form and each
// job's retry form share them.

import { api } from "./api.js";

let capabilities = null;  // null: not known (an older server, or not reachable yet)

export async function loadCapabilities() {
  try {
    capabilities = await (await api("v1/capabilities")).json();
  } catch (ignored) {
    capabilities = null;  // the selects then offer the server's defaults only
  }
  return capabilities;
}

export function currentCapabilities() {
  return capabilities;
}

const languageNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "language" }) : null;

function languageLabel(code) {
  if (code === "auto") return "detect";
  try {
    const name = languageNames && languageNames.of(code);
    return name && name !== code ? name + " (" + code + ")" : code;
  } catch (ignored) {
    return code;
  }
}

function option(value, label, selected = false) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  element.selected = selected;
  return element;
}

function engineOf(name) {
  return capabilities && capabilities.engines.find((engine) => engine.name === name);
}

function modelsOf(engineName) {
  return capabilities ? capabilities.models.filter((model) => model.engine === engineName) : [];
}

// Refills `select` with `options` ([value, label]) and keeps the choice if it
// is still there, else picks `fallback`.
function refill(select, options, fallback) {
  const keep = select.value;
  select.replaceChildren(...options.map(([value, label]) => option(value, label)));
  const values = options.map(([value]) => value);
  select.value = values.includes(keep) ? keep : values.includes(fallback) ? fallback : values[0] ?? "";
  select.disabled = options.length < 2;
}

// Puts the engine, model, language and task selects into `form` (where its
// .option-fields is) and wires them;
// `initial` is a job's request (for retry) or empty (the server's defaults).
export function wireOptions(form, initial = {}) {
  const slot = form.querySelector(".option-fields");
  if (!slot.children.length) slot.append(document.getElementById("options-template").content.cloneNode(true));
  const engine = form.elements.engine;
  const model = form.elements.model;
  const language = form.elements.language;
  const task = form.elements.task;
  const translateOption = task.querySelector('option[value="translate"]');

  const fillLanguagesAndTask = () => {
    const chosenModel = capabilities && capabilities.models.find((m) => m.name === model.value && m.engine === engine.value);
    const chosenEngine = engineOf(engine.value);
    const source = chosenModel && chosenModel.languages && chosenModel.languages.length ? chosenModel : chosenEngine;
    // Detection ("auto") works wherever there is more than one language to
    // tell apart; the rest in the order of their names.
    const known = source ? source.languages.filter((code) => code !== "auto") : [];
    const detects = !source || known.length > 1 || (chosenModel && chosenModel.multilingual);
    const options = known.map((code) => [code, languageLabel(code)]).sort((a, b) => a[1].localeCompare(b[1]));
    if (detects) options.unshift(["auto", languageLabel("auto")]);
    refill(language, options, detects || !options.length ? "auto" : options[0][0]);
    const translates = chosenModel ? chosenModel.translate : chosenEngine ? chosenEngine.translate : !capabilities;
    translateOption.disabled = !translates;
    translateOption.hidden = !translates;
    if (!translates) task.value = "transcribe";
  };
  const fillModels = () => {
    const models = modelsOf(engine.value);
    const defaultModel = models.find((m) => m.default) || models[0];
    refill(
      model,
      models.length
        ? models.map((m) => [m.name, m.name + (m.default ? " (default)" : "")])
        : [["", capabilities ? "none needed" : "server default"]],
      defaultModel ? defaultModel.name : "",
    );
    fillLanguagesAndTask();
  };

  if (capabilities) {
    const defaultEngine = capabilities.default_engine;
    refill(
      engine,
      capabilities.engines.map((e) => [e.name, e.name + (e.name === defaultEngine ? " (default)" : "")]),
      defaultEngine,
    );
  } else {
    refill(engine, [["", "server default"]], "");
  }
  if (initial.engine && engineOf(initial.engine)) engine.value = initial.engine;
  fillModels();
  if (initial.model && [...model.options].some((o) => o.value === initial.model)) model.value = initial.model;
  fillLanguagesAndTask();
  if (initial.language && [...language.options].some((o) => o.value === initial.language)) language.value = initial.language;
  if (initial.task === "translate" && !translateOption.disabled) task.value = "translate";

  engine.onchange = fillModels;
  model.onchange = fillLanguagesAndTask;
}

// The server's upload limit in bytes, when it says.
export function maxUploadBytes() {
  return capabilities && capabilities.max_upload_bytes ? capabilities.max_upload_bytes : 0;
}
