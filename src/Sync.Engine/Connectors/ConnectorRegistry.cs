using Sync.Engine.Catalog;
using Sync.Engine.Connectors.Dxf;
using Sync.Engine.Connectors.Geospatial;
using Sync.Engine.Connectors.Ifc;
using Sync.Engine.Connectors.Mesh;
using Sync.Engine.Connectors.Spreadsheets;

namespace Sync.Engine.Connectors;

/// <summary>Finds the connector for a source file from the spec's connector type and the file's extension.</summary>
public sealed class ConnectorRegistry(IEnumerable<IConnector> connectors)
{
    private readonly List<IConnector> _connectors = connectors.ToList();

    /// <summary>Every connector this build ships.</summary>
    public static ConnectorRegistry Default { get; } = new([new SpreadsheetConnector(), new IfcConnector(), new DxfConnector(), new GeospatialConnector(), new MeshConnector()]);

    public IReadOnlyList<IConnector> All => _connectors;

    /// <exception cref="ConnectorNotAvailableException">No connector of that type reads files with that extension.</exception>
    public IConnector Resolve(string connectorType, string fileName)
    {
        string type = ConnectorTypes.Normalize(connectorType)
            ?? throw new ConnectorNotAvailableException($"'{connectorType}' is not a connector type.");
        var ofType = _connectors.Where(c => c.ConnectorType == type).ToList();
        if (ofType.Count == 0)
        {
            throw new ConnectorNotAvailableException(
                $"The {type} connector is not available in this service yet. Available: {string.Join(", ", _connectors.Select(c => c.ConnectorType).Distinct())}.");
        }

        string extension = ExtensionOf(fileName);
        return ofType.FirstOrDefault(c => c.Extensions.Contains(extension))
            ?? throw new ConnectorNotAvailableException(
                $"The {type} connector reads .{string.Join(", .", ofType.SelectMany(c => c.Extensions))} files, not '{fileName}'.");
    }

    private static string ExtensionOf(string fileName)
    {
        string extension = Path.GetExtension(fileName);
        return extension.Length > 1 ? extension[1..].ToLowerInvariant() : string.Empty;
    }
}
