// The npm parsers on a file, timed in their own process: web-ifc open + every product's attributes + every
// property set (flattened), or dxf-parser's parseSync. Prints "<seconds> <objects> <peak RSS MB>".
// Usage: node bench/oracles/parse.mjs ifc|dxf <file>
import { readFileSync } from 'node:fs';

const [kind, path] = process.argv.slice(2);
const start = performance.now();
let count = 0;
if (kind === 'ifc') {
  const WebIFC = await import('web-ifc');
  const api = new WebIFC.IfcAPI();
  await api.Init();
  api.SetLogLevel(WebIFC.LogLevel.LOG_LEVEL_OFF);
  const model = api.OpenModel(new Uint8Array(readFileSync(path)));
  const products = api.GetLineIDsWithType(model, WebIFC.IFCPRODUCT, true);
  for (let i = 0; i < products.size(); i++) { api.GetLine(model, products.get(i)); count++; }
  const rels = api.GetLineIDsWithType(model, WebIFC.IFCRELDEFINESBYPROPERTIES);
  for (let i = 0; i < rels.size(); i++) { api.GetLine(model, rels.get(i), true); }
  api.CloseModel(model);
} else {
  const { default: DxfParser } = await import('dxf-parser');
  count = new DxfParser().parseSync(readFileSync(path, 'utf8')).entities.length;
}
const seconds = (performance.now() - start) / 1000;
console.log(`${seconds.toFixed(2)} ${count} ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
