using System.IO.Compression;
using System.Runtime.CompilerServices;
using Sync.Engine.Connectors.StepPart21;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// IFC (IFC2X3, IFC4, IFC4X3; .ifc and .ifczip): one element per product, spatial structure element, the
/// project, type objects, groups and materials. Identifier = GlobalId (materials: "IfcMaterial:" + name);
/// class IFC:&lt;Entity&gt; in schema casing; direct attributes, property sets and quantity sets as typed
/// properties ("Pset_WallCommon.FireRating"); parent, type, material, group, fills, references and connects
/// as relationships; world placement and box in metres.
/// </summary>
public sealed class IfcConnector : IConnector
{
    public string ConnectorType => "IFC";

    public IReadOnlyList<string> Extensions { get; } = ["ifc", "ifczip"];

    public string Version => "1.0.1"; // 1.0.1: a repeated property name keeps its first value, whatever the sort

    public string SchemaAlias => "IFC";

    public IReadOnlyList<string> SettingNames { get; } = [];

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        var file = await LoadAsync(content, context.FileName, cancellationToken).ConfigureAwait(false);
        using var elements = Guard(() => new IfcModel(file, context, cancellationToken), context).Elements(cancellationToken).GetEnumerator();
        while (Guard(elements.MoveNext, context))
        {
            yield return elements.Current;
        }
    }

    private static async Task<StepFile> LoadAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        if (!fileName.EndsWith(".ifczip", StringComparison.OrdinalIgnoreCase))
        {
            return await StepFile.LoadAsync(content, fileName, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using var zip = await ZipArchive.CreateAsync(content, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".ifc", StringComparison.OrdinalIgnoreCase))
                ?? throw new SourceFormatException($"'{fileName}' holds no .ifc file.");
            var inner = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (inner.ConfigureAwait(false))
            {
                return await StepFile.LoadAsync(inner, $"{fileName}/{entry.FullName}", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SourceFormatException($"'{fileName}' is not a readable IFC zip: {e.Message}", e);
        }
    }

    /// <summary>
    /// Hostile or broken files can break the model's assumptions anywhere (wrong attribute types, missing
    /// parameters); that is the file's fault, reported as unreadable instead of retried as a fault of ours.
    /// </summary>
    private static T Guard<T>(Func<T> step, SourceContext context)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or ArgumentException or NullReferenceException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            throw new SourceFormatException($"'{context.FileName}' has content the IFC connector cannot interpret: {e.Message}", e);
        }
    }
}
