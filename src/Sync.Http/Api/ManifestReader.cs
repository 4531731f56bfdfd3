using System.Text.Json;
using System.Text.RegularExpressions;
using Sync.Durable.Runs;
using Sync.Engine.Catalog;
using Sync.Engine.Changes;
using Sync.Engine.Model;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// Reads the body of a manifest run (spec §2.6): the connection's files to synchronize from their URLs or to
/// unmap, each with its reference files (<c>children</c>) and document metadata (<c>documentAttribute</c>).
/// Every problem becomes one <c>details</c> entry of a 422 naming its path.
/// </summary>
public static partial class ManifestReader
{
    public const int MaxFiles = 500;
    public const int MaxChildren = 500;
    public const int MaxFilesInAll = 2000;
    public const int MaxDocumentProperties = 100;
    public const int MaxPropertyChars = 4096;

    /// <param name="registered">The connection's source files by the caller's document id.</param>
    public static List<ManifestFile> Read(JsonBody body, IReadOnlyDictionary<string, SourceFile> registered)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(registered);
        var manifest = new List<ManifestFile>();
        foreach (var item in body.RequiredObjectArray("sourceFiles", MaxFiles) ?? [])
        {
            string? id = item.RequiredString("id");
            bool unmap = item.OptionalChoice("action", ["bridge", "unmap"]) == "unmap";
            var entry = ReadEntry(item, unmap);
            var children = unmap ? [] : item.OptionalObjectArray("children", MaxChildren);
            if (id is null)
            {
                continue;
            }

            if (!registered.TryGetValue(id, out var source))
            {
                item.Problem(ErrorCodes.InvalidValue, $"'{id}' is not a source file of this connection; add it first.", "id");
                continue;
            }

            if (manifest.Any(m => m.ParentSourceFileId is null && m.DocumentId == id))
            {
                item.Problem(ErrorCodes.InvalidValue, $"'{id}' appears more than once in this manifest.", "id");
                continue;
            }

            var master = new ManifestFile(source.Id.ToString("D"), id, entry.Name ?? id, entry.Url, entry.ConnectorType ?? string.Empty, unmap) { Document = entry.Document };
            manifest.Add(master);
            manifest.AddRange(ReadChildren(children, master, source.Id));
        }

        if (manifest.Count > MaxFilesInAll)
        {
            body.Problem(ErrorCodes.InvalidValue, $"A manifest may name at most {MaxFilesInAll} files, reference files included; this one names {manifest.Count}.", "sourceFiles");
        }

        return manifest;
    }

    /// <summary>A master's reference files; each <c>parentId</c>, when given, names the master or another of its children.</summary>
    private static List<ManifestFile> ReadChildren(IReadOnlyList<JsonBody> items, ManifestFile master, Guid masterId)
    {
        var children = new List<ManifestFile>();
        var parents = new List<(JsonBody Item, string ParentId)>();
        foreach (var item in items)
        {
            string? id = item.RequiredString("id");
            var entry = ReadEntry(item, unmap: false);
            if (item.OptionalString("parentId") is { } parentId)
            {
                parents.Add((item, parentId));
            }

            if (id is null)
            {
                continue;
            }

            if (id == master.DocumentId || children.Any(c => c.DocumentId == id))
            {
                item.Problem(ErrorCodes.InvalidValue, $"'{id}' appears more than once among '{master.DocumentId}' and its children.", "id");
                continue;
            }

            children.Add(new ManifestFile(SourceFile.ChildId(masterId, id).ToString("D"), id, entry.Name ?? id, entry.Url, entry.ConnectorType ?? string.Empty, Unmap: false)
            {
                Document = entry.Document,
                ParentSourceFileId = master.SourceFileId,
            });
        }

        foreach (var (item, parentId) in parents.Where(p => p.ParentId != master.DocumentId && children.All(c => c.DocumentId != p.ParentId)))
        {
            item.Problem(ErrorCodes.InvalidValue, $"'{parentId}' is neither '{master.DocumentId}' nor one of its children.", "parentId");
        }

        return children;
    }

    private static (string? Name, string? Url, string? ConnectorType, DocumentMetadata? Document) ReadEntry(JsonBody item, bool unmap)
    {
        string? name = unmap ? item.OptionalString("name", 255) : item.RequiredString("name", 255);
        string? url = unmap ? null : item.RequiredString("url", 8192);
        string? type = item.Has("connectorType") ? item.RequiredString("connectorType", 64) : unmap ? null : item.RequiredString("connector", 64);
        string? connectorType = type is null ? null : ConnectorTypes.Normalize(type);
        if (type is not null && connectorType is null)
        {
            item.Problem(ErrorCodes.InvalidValue, $"'{type}' is not a connector type.", "connectorType");
        }

        // Which URLs may be downloaded is decided where they are fetched (SafeHttp): a file: or ftp: URL is that file's task error.
        if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            item.Problem(ErrorCodes.InvalidValue, "'url' must be an absolute URL.", "url");
        }

        return (name, url, connectorType, unmap ? null : ReadDocument(item));
    }

    /// <summary>
    /// <c>documentAttribute {className, properties}</c>, or the older free-form <c>documentMetadata</c> object
    /// (class <c>Manifest:DocumentMetadata</c>). Property values must be strings, numbers, booleans or null.
    /// </summary>
    private static DocumentMetadata? ReadDocument(JsonBody item)
    {
        string? className;
        JsonBody? properties;
        string propertiesName;
        if (item.OptionalObject("documentAttribute") is { } attribute)
        {
            className = attribute.RequiredString("className", 128);
            if (className is not null && !ClassName().IsMatch(className))
            {
                attribute.Problem(ErrorCodes.InvalidValue, $"'{className}' must be a class name like 'Schema:Class'.", "className");
                className = null;
            }

            properties = attribute.OptionalObject("properties");
            propertiesName = "documentAttribute.properties";
        }
        else if (item.OptionalObject("documentMetadata") is { } metadata)
        {
            className = "Manifest:DocumentMetadata";
            properties = metadata;
            propertiesName = "documentMetadata";
        }
        else
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties?.Properties ?? [])
        {
            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > MaxPropertyChars))
            {
                properties!.Problem(ErrorCodes.InvalidValue, $"'{name}' must be a string of at most {MaxPropertyChars} characters, a number, a boolean or null.", name);
            }
            else if (value.ValueKind != JsonValueKind.Null)
            {
                values[name] = value.GetRawText();
            }
        }

        if (values.Count > MaxDocumentProperties)
        {
            item.Problem(ErrorCodes.InvalidValue, $"A document may carry at most {MaxDocumentProperties} properties.", propertiesName);
        }

        return className is null ? null : new DocumentMetadata(className, values);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*:[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ClassName();
}
