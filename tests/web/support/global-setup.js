// Makes the models and media the tests use, once for the whole run.
import { makeTestAssets } from "./assets.js";

export default function globalSetup() {
  makeTestAssets();
}
