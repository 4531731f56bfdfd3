using System.Runtime.CompilerServices;
using Sync.Engine.Catalog;
using Sync.Engine.Connectors.Archives;
using Sync.Engine.Connectors.StepPart21;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// IFC (IFC2X3, IFC4, IFC4X3; .ifc and .ifczip): one element per product, spatial structure element, the
/// project, type objects, groups and materials. Identifier = GlobalId (materials: "IfcMaterial:" + name);
/// class IFC:&lt;Entity&gt; in schema casing; direct attributes, property sets and quantity sets as typed
/// properties ("Pset_WallCommon.FireRating"); parent, type, material, group, fills, references and connects
/// as relationships; world placement and box in metres, in map coordinates when the file has a map conversion
/// (whose projected CRS becomes the file's coordinate system, so an IFC file can be an iModel's spatial root),
/// reprojected into the iModel's configured coordinate system when that differs.
/// </summary>
public sealed class IfcConnector : IConnector
{
    public string ConnectorType => "IFC";

    public IReadOnlyList<string> Extensions { get; } = ["ifc", "ifczip"];

    // 1.0.1: a repeated property name keeps its first value, whatever the sort; 1.1.0: map conversions place the model on its map.
    public string Version => "1.3.0"; // 1.3.0: ePSet_ProjectedCRS.MapUnit; 1.2.0: IFC2X3 ePSet_MapConversion, and placement by the site's latitude and longitude

    public string SchemaAlias => "IFC";

    public IReadOnlyList<string> SettingNames { get; } = [ConfigurationSettings.GeographicCoordinateSystem];

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        var file = await LoadAsync(content, context, cancellationToken).ConfigureAwait(false);
        using var elements = StepModelGuard.Run(() => new IfcModel(file, context, cancellationToken), context.FileName, Reader).Elements(cancellationToken).GetEnumerator();
        while (StepModelGuard.Run(elements.MoveNext, context.FileName, Reader))
        {
            yield return elements.Current;
        }
    }

    private const string Reader = "the IFC connector";

    /// <summary>An .ifc file, or the first .ifc member of an .ifczip (extracted under the archive limits of <see cref="SafeZip"/>).</summary>
    private static async Task<StepFile> LoadAsync(Stream content, SourceContext context, CancellationToken cancellationToken)
    {
        string fileName = context.FileName;
        if (!fileName.EndsWith(".ifczip", StringComparison.OrdinalIgnoreCase))
        {
            return await StepFile.LoadAsync(content, fileName, cancellationToken).ConfigureAwait(false);
        }

        using var scratch = new ScratchDirectory(context.ScratchRoot);
        var members = await SafeZip.ExtractAsync(content, fileName, scratch, name => name.EndsWith(".ifc", StringComparison.OrdinalIgnoreCase), cancellationToken).ConfigureAwait(false);
        string entry = members.Keys.Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new SourceFormatException($"'{fileName}' holds no .ifc file.");
        var inner = File.OpenRead(members[entry]);
        await using (inner.ConfigureAwait(false))
        {
            return await StepFile.LoadAsync(inner, $"{fileName}/{entry}", cancellationToken).ConfigureAwait(false);
        }
    }
}
