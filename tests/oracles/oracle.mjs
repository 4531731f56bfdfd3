// Independent oracle: reads an IFC file with web-ifc or a DXF file with dxf-parser (both pinned in package.json)
// and prints what they see as JSON, for the tests to compare with our connectors.
// Usage: node tests/oracles/oracle.mjs ifc|dxf <file>
import { readFileSync } from 'node:fs';

const [kind, path] = process.argv.slice(2);
if (kind === 'ifc') {
  const WebIFC = await import('web-ifc');
  const api = new WebIFC.IfcAPI();
  await api.Init();
  api.SetLogLevel(WebIFC.LogLevel.LOG_LEVEL_OFF);
  const model = api.OpenModel(new Uint8Array(readFileSync(path)));
  const objects = new Map();
  const roots = [WebIFC.IFCPRODUCT, WebIFC.IFCPROJECT, WebIFC.IFCTYPEOBJECT, WebIFC.IFCGROUP];
  for (const root of roots) {
    const ids = api.GetLineIDsWithType(model, root, true);
    for (let i = 0; i < ids.size(); i++) {
      const id = ids.get(i);
      const line = api.GetLine(model, id);
      const plain = {};
      for (const key of ['Name', 'Description', 'ObjectType', 'Tag', 'PredefinedType', 'LongName', 'Elevation', 'OverallHeight', 'OverallWidth']) {
        const value = line[key];
        if (value && value.value !== undefined && value.value !== null) plain[key] = value.value;
      }
      objects.set(id, { globalId: line.GlobalId.value, type: api.GetNameFromTypeCode(api.GetLineType(model, id)), properties: plain });
    }
  }
  api.StreamAllMeshes(model, mesh => {
    const object = objects.get(mesh.expressID);
    if (!object) return;
    const box = object.box ?? (object.box = { low: [Infinity, Infinity, Infinity], high: [-Infinity, -Infinity, -Infinity] });
    for (let g = 0; g < mesh.geometries.size(); g++) {
      const placed = mesh.geometries.get(g);
      const m = placed.flatTransformation;
      const geometry = api.GetGeometry(model, placed.geometryExpressID);
      const vertices = api.GetVertexArray(geometry.GetVertexData(), geometry.GetVertexDataSize());
      for (let v = 0; v < vertices.length; v += 6) {
        const [x, y, z] = [vertices[v], vertices[v + 1], vertices[v + 2]];
        const wx = m[0] * x + m[4] * y + m[8] * z + m[12];
        const wy = m[1] * x + m[5] * y + m[9] * z + m[13];
        const wz = m[2] * x + m[6] * y + m[10] * z + m[14];
        // web-ifc turns IFC's Z-up into Y-up: (x, y, z) -> (x, z, -y); undo it.
        const p = [wx, -wz, wy];
        for (let a = 0; a < 3; a++) { box.low[a] = Math.min(box.low[a], p[a]); box.high[a] = Math.max(box.high[a], p[a]); }
      }
      geometry.delete();
    }
  });
  api.CloseModel(model);
  console.log(JSON.stringify([...objects.values()]));
} else if (kind === 'dxf') {
  const { default: DxfParser } = await import('dxf-parser');
  const drawing = new DxfParser().parseSync(readFileSync(path, 'utf8'));
  const entities = (drawing.entities ?? []).filter(e => !e.inPaperSpace).map(e => ({ handle: e.handle ?? null, type: e.type, layer: e.layer ?? '0' }));
  console.log(JSON.stringify({ entities, layers: Object.keys(drawing.tables?.layer?.layers ?? {}) }));
} else {
  console.error('usage: oracle.mjs ifc|dxf <file>');
  process.exit(2);
}
